package dev.mobilize.onnx.shape;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.onnx.OnnxImporter;
import dev.mobilize.service.Options;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Real models from ../shared/models: every value gets a static shape once the inputs are fixed. */
class ModelShapesTest {

  private static Graph load(String model) {
    Path file = OnnxTestFiles.shared().resolve("models").resolve(model).resolve("model.onnx");
    return new OnnxImporter().read(file, Options.NONE).graph();
  }

  /** Names of node outputs whose shape is not fully static, with what was inferred. */
  private static List<String> notStatic(Graph g) {
    List<String> out = new ArrayList<>();
    for (Node n : g.nodes()) {
      for (String o : n.outputs()) {
        ValueInfo v = g.info(o).orElse(ValueInfo.unknown(o));
        if (!o.isEmpty() && (!v.shape().isStatic() || v.type() == DataType.UNDEFINED)) {
          out.add(n.opType() + " -> " + v);
        }
      }
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"mobilenet_v2", "resnet18", "squeezenet1_1", "shufflenet_v2_x1_0"})
  void torchvisionModelsAreFullyStatic(String model) {
    Graph g = new ShapeInference().infer(load(model));
    assertEquals(List.of(), notStatic(g));
    assertEquals("f32[1,1000]", g.outputs().get(0).typeString());
  }

  @Test
  void digitsCnnKeepsTheBatchSymbol() {
    Graph g = load("digits_cnn");
    Graph stripped = g.toBuilder().valueInfos(java.util.Map.of())
        .outputs(List.of(ValueInfo.unknown(g.outputs().get(0).name()))).build();
    Graph inferred = new ShapeInference().infer(stripped);
    assertEquals("f32[batch,10]", inferred.outputs().get(0).typeString());
  }

  @Test
  void ppocrClsWithAFixedInputIsFullyStatic() {
    Graph g = load("ppocr_cls");
    ValueInfo x = g.inputs().get(0);
    Graph fixed = g.toBuilder().inputs(List.of(x.withShape(Shape.of(1, 3, 48, 192)))).build();
    Graph inferred = new ShapeInference().infer(fixed);
    assertEquals(List.of(), notStatic(inferred));
    assertEquals("f32[1,2]", inferred.outputs().get(0).typeString());
  }

  @Test
  void ppocrClsWithADynamicInputKeepsTheBatchSymbol() {
    Graph g = load("ppocr_cls");
    Graph stripped = g.toBuilder().outputs(List.of(ValueInfo.unknown(g.outputs().get(0).name()))).build();
    Graph inferred = new ShapeInference().infer(stripped);
    assertEquals("f32[p2o.DynamicDimension.0,2]", inferred.outputs().get(0).typeString());
  }
}
