package dev.mobilize.service;

import dev.mobilize.ir.Model;
import java.nio.file.Path;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Reads model files of one format into the IR. Registered as a service with
 * {@link ServiceProperties#FORMAT}.
 *
 * <p>Example: {@code Model m = onnxImporter.read(Path.of("mobilenet.onnx"), Options.NONE);}
 */
@ProviderType
public interface ModelImporter {

  /** The format name, equal to the {@code mobilize.format} service property, e.g. {@code onnx}. */
  String format();

  /** File name extensions of the main model file, e.g. {@code [".onnx"]}. */
  List<String> extensions();

  /**
   * Whether the file looks like this format judged by its content (not only its name).
   *
   * @param file the file
   * @param head the first bytes of the file (up to 4096, fewer for a short file)
   */
  boolean accepts(Path file, byte[] head);

  /**
   * Reads a model. Companion files (weights) are found beside {@code file}, never outside its folder.
   *
   * @param file the main model file
   * @param options format-specific options, e.g. {@code input-shape=input:1,3,224,224}
   * @return the model, with static shapes wherever the inputs are fixed
   * @throws MobilizeException for anything wrong with the file, naming the file and the node
   */
  Model read(Path file, Options options);
}
