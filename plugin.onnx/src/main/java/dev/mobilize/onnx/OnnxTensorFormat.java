package dev.mobilize.onnx;

import dev.mobilize.ir.Tensor;
import dev.mobilize.service.TensorFormat;
import java.nio.file.Path;
import org.osgi.service.component.annotations.Component;

/** Tensors as ONNX TensorProto {@code .pb} files, the layout of the ONNX test data sets. */
@Component(service = TensorFormat.class, property = "mobilize.tensor-format=pb")
public class OnnxTensorFormat implements TensorFormat {

  @Override
  public String extension() {
    return "pb";
  }

  @Override
  public NamedTensor read(Path file) {
    OnnxTensors.Named t = OnnxTensors.readFile(file);
    return new NamedTensor(t.name(), t.tensor());
  }

  @Override
  public void write(Path file, String name, Tensor tensor) {
    OnnxTensors.writeFile(file, name, tensor);
  }
}
