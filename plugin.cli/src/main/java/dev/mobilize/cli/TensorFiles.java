package dev.mobilize.cli;

import dev.mobilize.ir.Tensor;
import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.MobilizeException;
import dev.mobilize.service.ServiceProperties;
import dev.mobilize.service.TensorFormat;
import java.nio.file.Path;
import java.util.Locale;

/** Reads and writes tensor files through the {@link TensorFormat} service of their extension. */
final class TensorFiles {

  private final ServiceCatalog catalog;

  TensorFiles(ServiceCatalog catalog) {
    this.catalog = catalog;
  }

  TensorFormat.NamedTensor read(Path file) {
    return catalog.with(TensorFormat.class, ServiceProperties.TENSOR_FORMAT, extension(file), f -> f.read(file));
  }

  void write(Path file, String name, Tensor tensor) {
    catalog.with(TensorFormat.class, ServiceProperties.TENSOR_FORMAT, extension(file), f -> {
      f.write(file, name, tensor);
      return null;
    });
  }

  private static String extension(Path file) {
    String n = file.getFileName().toString();
    int dot = n.lastIndexOf('.');
    if (dot < 0) {
      throw new MobilizeException(ErrorCode.INVALID_ARGUMENT,
          "tensor file '" + file + "' has no extension; use .pb (ONNX TensorProto) or .npy (numpy)");
    }
    return n.substring(dot + 1).toLowerCase(Locale.ROOT);
  }
}
