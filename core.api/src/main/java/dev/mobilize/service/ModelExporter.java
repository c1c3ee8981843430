package dev.mobilize.service;

import dev.mobilize.ir.Model;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Writes the IR as model files of one format. Registered as a service with
 * {@link ServiceProperties#FORMAT}.
 *
 * <p>Example:
 * <pre>{@code
 * List<Problem> problems = exporter.check(model, Options.NONE);
 * if (problems.isEmpty()) exporter.write(model, Path.of("out"), "mobilenet", Options.NONE);
 * }</pre>
 */
@ProviderType
public interface ModelExporter {

  /** The format name, equal to the {@code mobilize.format} service property. */
  String format();

  /**
   * The {@code mobilize}-domain operators (see {@link dev.mobilize.ir.FusedOps}) this exporter can
   * write, lowering them to its framework's own fused layers. Empty by default: standard ONNX
   * operators only.
   */
  default Set<String> expresses() {
    return Set.of();
  }

  /**
   * The pre-flight check: every node this format cannot express, all at once. Nothing is written.
   *
   * @return the problems; empty when the model can be written
   */
  List<Problem> check(Model model, Options options);

  /**
   * Writes the model. Each file is written atomically (a temporary file moved into place), so a
   * failure never leaves a partial file behind.
   *
   * @param model the model
   * @param directory the output folder (created if missing)
   * @param baseName the file name without extension
   * @param options format-specific options
   * @return the files written
   * @throws MobilizeException if the model cannot be expressed (the problems of {@link #check}) or
   *     a file cannot be written
   */
  List<Path> write(Model model, Path directory, String baseName, Options options);
}
