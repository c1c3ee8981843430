package dev.mobilize.onnx.shape;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Real models from ../shared/models: every value gets a static shape once the inputs are fixed. */
class ModelShapesTest {

  private static Graph load(String model) throws Exception {
    Path file = OnnxTestFiles.shared().resolve("models").resolve(model).resolve("model.onnx");
    return withSliceInputs(OnnxTestFiles.read(file).graph());
  }

  /**
   * Older opsets keep Slice's starts/ends/axes and Reduce*'s, Squeeze's and Unsqueeze's axes in
   * attributes; the importer moves them to inputs. Until the importer is merged into this branch,
   * the test does that itself.
   */
  private static Graph withSliceInputs(Graph g) {
    Graph.Builder b = g.toBuilder();
    List<Node> nodes = new ArrayList<>();
    for (Node n : g.nodes()) {
      boolean slice = n.opType().equals("Slice") && n.attributes().has("starts");
      boolean axes = n.attributes().has("axes") && (n.opType().startsWith("Reduce") || n.opType().endsWith("queeze"));
      if (!slice && !axes) {
        nodes.add(n);
        continue;
      }
      String prefix = n.output(0) + "_";
      Attributes.Builder rest = n.attributes().toBuilder().remove("starts").remove("ends").remove("axes");
      Node.Builder nb = n.toBuilder().attributes(rest.build());
      String[] names = slice ? new String[] {"starts", "ends", "axes"} : new String[] {"axes"};
      for (int i = 0; i < names.length; i++) {
        if (n.attributes().has(names[i])) {
          b.initializer(prefix + names[i], Tensor.vector(n.attributes().ints(names[i])));
          nb.input(i + 1, prefix + names[i]);
        }
      }
      nodes.add(nb.build());
    }
    return b.nodes(nodes).build();
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
  void torchvisionModelsAreFullyStatic(String model) throws Exception {
    Graph g = new ShapeInference().infer(load(model));
    assertEquals(List.of(), notStatic(g));
    assertEquals("f32[1,1000]", g.outputs().get(0).typeString());
  }

  @Test
  void digitsCnnKeepsTheBatchSymbol() throws Exception {
    Graph g = load("digits_cnn");
    Graph stripped = g.toBuilder().valueInfos(java.util.Map.of())
        .outputs(List.of(ValueInfo.unknown(g.outputs().get(0).name()))).build();
    Graph inferred = new ShapeInference().infer(stripped);
    assertEquals("f32[batch,10]", inferred.outputs().get(0).typeString());
  }

  @Test
  void ppocrClsWithAFixedInputIsFullyStatic() throws Exception {
    Graph g = load("ppocr_cls");
    ValueInfo x = g.inputs().get(0);
    Graph fixed = g.toBuilder().inputs(List.of(x.withShape(Shape.of(1, 3, 48, 192)))).build();
    Graph inferred = new ShapeInference().infer(fixed);
    assertEquals(List.of(), notStatic(inferred));
    assertEquals("f32[1,2]", inferred.outputs().get(0).typeString());
  }

  @Test
  void ppocrClsWithADynamicInputKeepsTheBatchSymbol() throws Exception {
    Graph g = load("ppocr_cls");
    Graph stripped = g.toBuilder().outputs(List.of(ValueInfo.unknown(g.outputs().get(0).name()))).build();
    Graph inferred = new ShapeInference().infer(stripped);
    assertEquals("f32[p2o.DynamicDimension.0,2]", inferred.outputs().get(0).typeString());
  }
}
