package dev.mobilize.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.MobilizeException;
import dev.mobilize.service.Options;
import dev.mobilize.service.Quantizer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** IR in, IR out: where the Q/DQ pairs go, their names, and what is left float. */
class InsertQdqTest {

  /** x → Conv(w, b) → Relu → MaxPool → Conv(w2) → y, plus a MatMul of two inputs (not quantizable). */
  static Model model() {
    Graph g = Graph.builder("g")
        .input(new ValueInfo("x", DataType.FLOAT, Shape.of(1, 2, 4, 4)))
        .input(new ValueInfo("a", DataType.FLOAT, Shape.of(2, 2)))
        .output(new ValueInfo("y", DataType.FLOAT, Shape.of(1, 3, 2, 2)))
        .output(new ValueInfo("m", DataType.FLOAT, Shape.of(2, 2)))
        .initializer("w", Tensor.ofFloats(new long[] {3, 2, 1, 1}, 1, 2, 3, 4, 5, 6))
        .initializer("b", Tensor.ofFloats(new long[] {3}, 0.1f, 0.2f, 0.3f))
        .initializer("w2", Tensor.ofFloats(new long[] {3, 3, 1, 1}, 1, 0, 0, 0, 1, 0, 0, 0, 1))
        .node(Node.builder("Conv").name("conv1").inputs("x", "w", "b").outputs("c").build())
        .node(Node.builder("Relu").name("relu1").inputs("c").outputs("r").build())
        .node(Node.builder("MaxPool").name("pool").inputs("r").outputs("p")
            .attributes(Attributes.builder().ints("kernel_shape", 2, 2).ints("strides", 2, 2).build()).build())
        .node(Node.builder("Conv").name("conv2").inputs("p", "w2").outputs("y").build())
        .node(Node.builder("MatMul").name("mm").inputs("a", "a").outputs("m").build())
        .valueInfo(new ValueInfo("c", DataType.FLOAT, Shape.of(1, 3, 4, 4)))
        .valueInfo(new ValueInfo("r", DataType.FLOAT, Shape.of(1, 3, 4, 4)))
        .valueInfo(new ValueInfo("p", DataType.FLOAT, Shape.of(1, 3, 2, 2)))
        .build();
    return Model.of(g, Map.of("", 21L));
  }

  @Test
  void findsConvsWithTheirFollowingActivationButNotAMatMulOfInputs() {
    List<QuantTarget> t = QuantTargets.find(model().graph());
    assertEquals(List.of("conv1", "conv2"), t.stream().map(QuantTarget::name).toList());
    assertEquals("r", t.get(0).output(), "conv1's activated output is the Relu's");
    assertEquals("y", t.get(1).output());
  }

  @Test
  void placesPairsOnInputsAndGraphOutputs() {
    Model m = model();
    List<QuantTarget> t = QuantTargets.find(m.graph());
    Map<String, Float> scales = Map.of("x", 0.1f, "p", 0.05f, "r", 0.05f, "y", 0.2f);
    Model q = InsertQdq.apply(m, t, scales, "kl");
    String ops = q.graph().nodes().stream().map(n -> n.name() + ":" + n.opType()).collect(Collectors.joining(" "));
    // short names: group k is q<k>/d<k>/s<k> (value pairs), w<k>/s<k>/d<k> (weights), b<k>/s<k>/d<k> (biases);
    // group 2 is skipped because the model has a value w2
    assertEquals("q1:QuantizeLinear d1:DequantizeLinear d3:DequantizeLinear d4:DequantizeLinear conv1:Conv"
        + " relu1:Relu pool:MaxPool q5:QuantizeLinear d5:DequantizeLinear d6:DequantizeLinear conv2:Conv"
        + " q7:QuantizeLinear y:DequantizeLinear mm:MatMul", ops);
    Graph g = q.graph();
    Node conv1 = g.nodes().stream().filter(n -> n.name().equals("conv1")).findFirst().orElseThrow();
    assertEquals(List.of("d1", "d3", "d4"), conv1.inputs());
    Node conv2 = g.nodes().stream().filter(n -> n.name().equals("conv2")).findFirst().orElseThrow();
    assertEquals(List.of("d5", "d6"), conv2.inputs());
    assertEquals(List.of("y_float"), conv2.outputs(), "the graph output keeps its name on the final DQ");
    assertEquals(DataType.INT8, g.initializer("w3").orElseThrow().type());
    assertEquals(DataType.INT32, g.initializer("b4").orElseThrow().type());
    // B_scale = x_scale · W_scale: channel 0 max|W| = 2 → 2/127
    assertEquals(0.1f * (2f / 127), g.initializer("s4").orElseThrow().toFloatArray()[0], 1e-9f);
    assertTrue(g.initializer("w").isEmpty() && g.initializer("b").isEmpty(), "float weights removed");
    assertEquals("int8", q.metadata().get("mobilize.quantization"));
    assertEquals("kl", q.metadata().get("mobilize.calibration"));
    assertEquals(0, g.initializer("z").orElseThrow().toByteArray()[0]);
  }

  @Test
  void writesNoRedundantZeroPointsOrValueInfos() {
    Model m = model();
    Model q = InsertQdq.apply(m, QuantTargets.find(m.graph()), Map.of("x", 0.1f, "p", 0.05f, "r", 0.05f, "y", 0.2f),
        "kl");
    Graph g = q.graph();
    for (Node n : g.nodes()) {
      boolean constant = g.initializer(n.input(0)).isPresent();
      if (n.opType().equals("DequantizeLinear") && constant) {
        assertEquals(2, n.inputs().size(), n.name() + ": a conv weight or bias needs no zero point (ONNX default 0)");
      } else if (n.opType().endsWith("QuantizeLinear")) {
        assertEquals("z", n.input(2), n.name() + " reads the shared zero point");
      }
    }
    assertEquals(List.of("z"), g.initializers().keySet().stream().filter(k -> k.startsWith("z")).toList());
    assertEquals(Set.of("c", "r", "p", "y_float"), g.valueInfo().keySet(),
        "value_info only for the float values");
  }

  @Test
  void neverNegativeValuesReadTheSharedZeroPointMinus128() {
    Model m = model();
    List<QuantTarget> t = QuantTargets.find(m.graph());
    Map<String, Float> scales = Map.of("x", 0.1f, "p", 0.05f, "r", 0.05f, "y", 0.2f);
    Model q = InsertQdq.apply(m, t, InsertQdq.quantizedValues(m.graph(), t), scales, Set.of("p"), Map.of(), "kl");
    Graph g = q.graph();
    for (Node n : g.nodes()) {
      if (n.opType().endsWith("QuantizeLinear") && g.initializer(n.input(0)).isEmpty()) {
        // p's pair is group 5 (q5, d5)
        assertEquals(n.name().equals("q5") || n.name().equals("d5") ? "zu" : "z", n.input(2), n.name());
      }
    }
    assertEquals(-128, g.initializer("zu").orElseThrow().toByteArray()[0]);
    assertEquals(DataType.INT8, g.initializer("zu").orElseThrow().type());
    // the bias scale is x_scale · W_scale whatever the zero points: conv2 has no bias, conv1 reads x (symmetric)
    assertEquals(0.1f * (2f / 127), g.initializer("s4").orElseThrow().toFloatArray()[0], 1e-9f);
  }

  @Test
  void addedNamesAvoidTheModelsOwn() {
    Model m = model();
    // the model already has a value z, an initializer s1 and a node named d2: zero point z_2, groups 1 and 2 skipped
    Graph g0 = m.graph().toBuilder().initializer("z", Tensor.scalar(3f)).initializer("s1", Tensor.scalar(4f))
        .node(Node.builder("Relu").name("d2").inputs("m").outputs("m2").build()).build();
    Model q = InsertQdq.apply(m.withGraph(g0), QuantTargets.find(g0), Map.of("x", 0.1f, "p", 0.05f, "r", 0.05f,
        "y", 0.2f), "kl");
    Graph g = q.graph();
    assertEquals(3f, g.initializer("z").orElseThrow().toFloatArray()[0]);
    assertEquals(4f, g.initializer("s1").orElseThrow().toFloatArray()[0]);
    assertEquals(DataType.INT8, g.initializer("z_2").orElseThrow().type());
    Node conv1 = g.nodes().stream().filter(n -> n.name().equals("conv1")).findFirst().orElseThrow();
    assertEquals(List.of("d3", "d4", "d5"), conv1.inputs());
    assertEquals(1, g.nodes().stream().filter(n -> n.name().equals("d2")).count());
  }

  @Test
  void pairsWithTheSameScaleShareOneInitializerAndPerLayerLookupFindsThem() {
    Model m = model();
    Model q = InsertQdq.apply(m, QuantTargets.find(m.graph()), Map.of("x", 0.1f, "p", 0.05f, "r", 0.05f, "y", 0.1f),
        "kl");
    Graph g = q.graph();
    List<Node> quantize = g.nodes().stream().filter(n -> n.opType().equals("QuantizeLinear")).toList();
    assertEquals(List.of("s1", "s5", "s1"), quantize.stream().map(n -> n.input(1)).toList(), "x and y share 0.1");
    assertEquals(0.1f, g.initializer("s1").orElseThrow().toFloatArray()[0]);
    assertEquals(0.05f, g.initializer("s5").orElseThrow().toFloatArray()[0]);
    assertTrue(g.initializer("s7").isEmpty(), "no second 0.1");
    assertEquals("d1", InsertQdq.dequantizedIn(g, "x"));
    assertEquals("d5", InsertQdq.dequantizedIn(g, "p"));
    assertEquals("y", InsertQdq.dequantizedIn(g, "y_float"), "a graph output's pair writes the output");
    assertEquals("r", InsertQdq.dequantizedIn(g, "r"), "no pair: the value itself");
  }

  @Test
  void aKeptFloatNodeHasNoPairOfItsOwn() {
    Model m = model();
    List<QuantTarget> t = QuantTargets.find(m.graph()).stream().filter(x -> !x.isNamed("conv2")).toList();
    Model q = InsertQdq.apply(m, t, Map.of("x", 0.1f), "minmax");
    Node conv2 = q.graph().nodes().stream().filter(n -> n.name().equals("conv2")).findFirst().orElseThrow();
    assertEquals(List.of("p", "w2"), conv2.inputs());
    assertTrue(q.graph().initializer("w2").isPresent());
  }

  @Test
  void theExtendedFormQuantizesEveryOutputAndTheListedOps() {
    Model m = model();
    List<QuantTarget> t = QuantTargets.find(m.graph());
    Int8Scope scope = Int8Scope.of(Options.of(Map.of(Quantizer.INT8_OPS, "MaxPool,Relu,Add",
        Quantizer.INT8_OUTPUTS, "all")));
    List<Node> extra = scope.nodes(m.graph(), t);
    assertEquals(List.of("pool"), extra.stream().map(Node::name).toList(), "relu1 is conv1's activation, not an op of its own");
    Set<String> values = scope.values(m.graph(), t, extra);
    assertEquals(Set.of("x", "r", "p", "y"), values);
    Map<String, Float> scales = new HashMap<>(Map.of("x", 0.1f, "p", 0.05f, "r", 0.04f, "y", 0.2f));
    Int8Scope.shareScales(extra, scales, new java.util.HashSet<>());
    assertEquals(0.04f, scales.get("p"), "MaxPool keeps its input's scale");
    Model q = InsertQdq.apply(m, t, values, scales, Set.of(), Map.of(), "kl");
    String ops = q.graph().nodes().stream().map(n -> n.name() + ":" + n.opType()).collect(Collectors.joining(" "));
    assertEquals("q1:QuantizeLinear d1:DequantizeLinear d3:DequantizeLinear d4:DequantizeLinear conv1:Conv"
        + " relu1:Relu q5:QuantizeLinear d5:DequantizeLinear pool:MaxPool q6:QuantizeLinear d6:DequantizeLinear"
        + " d7:DequantizeLinear conv2:Conv q8:QuantizeLinear y:DequantizeLinear mm:MatMul", ops);
    Node pool = q.graph().nodes().stream().filter(n -> n.name().equals("pool")).findFirst().orElseThrow();
    assertEquals(List.of("d5"), pool.inputs());
    Node qp = q.graph().nodes().stream().filter(n -> n.name().equals("q6")).findFirst().orElseThrow();
    Node qr = q.graph().nodes().stream().filter(n -> n.name().equals("q5")).findFirst().orElseThrow();
    assertEquals(qr.input(1), qp.input(1), "MaxPool's output shares its input's scale initializer");
    assertEquals(0.04f, q.graph().initializer(qp.input(1)).orElseThrow().toFloatArray()[0]);
  }

  @Test
  void opsWithAConstantOperandStayFloatAndTheDefaultAddsNothing() {
    Graph g = Graph.builder("g")
        .input(new ValueInfo("x", DataType.FLOAT, Shape.of(1, 2)))
        .output(new ValueInfo("y", DataType.FLOAT, Shape.of(1, 2)))
        .initializer("c", Tensor.ofFloats(new long[] {2}, 1, 2))
        .node(Node.builder("Add").name("add").inputs("x", "c").outputs("y").build())
        .build();
    Int8Scope scope = Int8Scope.of(Options.of(Map.of(Quantizer.INT8_OPS, "Add")));
    assertEquals(List.of(), scope.nodes(g, List.of()));
    assertEquals(List.of(), Int8Scope.of(Options.NONE).nodes(model().graph(), QuantTargets.find(model().graph())));
    assertEquals(InsertQdq.quantizedValues(model().graph(), QuantTargets.find(model().graph())),
        Int8Scope.of(Options.NONE).values(model().graph(), QuantTargets.find(model().graph()), List.of()));
    MobilizeException e = assertThrows(MobilizeException.class,
        () -> Int8Scope.of(Options.of(Map.of(Quantizer.INT8_OUTPUTS, "some"))));
    assertTrue(e.getMessage().contains("'all' or 'needed'"), e.getMessage());
  }
}
