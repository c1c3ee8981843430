package dev.mobilize.service;

import dev.mobilize.ir.Tensor;
import java.nio.file.Path;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Reads and writes tensors as files of one format (ONNX TensorProto {@code .pb}, numpy
 * {@code .npy}), for model inputs and outputs on the command line. Registered as a service with
 * {@link ServiceProperties#TENSOR_FORMAT} set to {@link #extension()}.
 *
 * <p>Example: {@code NamedTensor t = pb.read(Path.of("test_data_set_0/input_0.pb"));}
 */
@ProviderType
public interface TensorFormat {

  /** The file extension without the dot, e.g. {@code pb}. */
  String extension();

  /**
   * Reads one tensor; its name is the one stored in the file, or "" when the format stores none.
   *
   * @throws MobilizeException naming the file
   */
  NamedTensor read(Path file);

  /** Writes one tensor atomically. */
  void write(Path file, String name, Tensor tensor);

  /**
   * A tensor and its name.
   *
   * @param name the value name ("" when unknown)
   * @param tensor the data
   */
  record NamedTensor(String name, Tensor tensor) {}
}
