package dev.mobilize.onnx;

import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.onnx.proto.Onnx.ModelProto;
import dev.mobilize.service.AtomicFiles;
import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.MobilizeException;
import dev.mobilize.service.ModelExporter;
import dev.mobilize.service.Options;
import dev.mobilize.service.Problem;
import dev.mobilize.service.ServiceProperties;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * Writes {@code NAME.onnx} with standard ONNX operators only, so any ONNX runtime can run it.
 * Nodes of Mobilize's own {@code mobilize} domain (fused forms) are refused by the pre-flight check.
 */
@Component(service = ModelExporter.class, property = {"mobilize.format=onnx",
    ServiceProperties.INT8_ACTIVATIONS + "=asymmetric"})
public class OnnxExporter implements ModelExporter {

  static final String PRODUCER = "Mobilize";
  static final String VERSION = "0.1.0";
  private static final long MAX_BYTES = Integer.MAX_VALUE - 8;

  @Override
  public String format() {
    return "onnx";
  }

  @Override
  public List<Problem> check(Model model, Options options) {
    List<Problem> problems = new ArrayList<>();
    check(model.graph(), problems);
    return problems;
  }

  private static void check(Graph g, List<Problem> problems) {
    for (Node n : g.nodes()) {
      if (n.domain().equals(Node.MOBILIZE_DOMAIN)) {
        problems.add(Problem.at(n, ErrorCode.UNSUPPORTED_OP, "is a Mobilize fused operator, not standard ONNX; "
            + "convert to ONNX without the fusion passes that produce it"));
      }
    }
  }

  @Override
  public List<Path> write(Model model, Path directory, String baseName, Options options) {
    List<Problem> problems = check(model, options);
    if (!problems.isEmpty()) {
      throw MobilizeException.ofProblems(problems.size() + " node(s) cannot be written as ONNX:", problems);
    }
    ModelProto proto = IrToProto.model(model, PRODUCER, VERSION);
    long size = proto.getSerializedSize();
    if (size > MAX_BYTES) {
      throw new MobilizeException(ErrorCode.LIMIT_EXCEEDED,
          "the model needs " + size + " bytes; an .onnx file holds at most 2 GB");
    }
    Path file = directory.resolve(baseName + ".onnx");
    AtomicFiles.write(file, proto.toByteArray());
    return List.of(file);
  }

  /** The bytes of the .onnx file for a model (for tests and in-memory round trips). */
  static byte[] toBytes(Model model) {
    return IrToProto.model(model, PRODUCER, VERSION).toByteArray();
  }
}
