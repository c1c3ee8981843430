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
    assertEquals("x_QuantizeLinear:QuantizeLinear x_DequantizeLinear:DequantizeLinear"
        + " w_DequantizeLinear:DequantizeLinear b_DequantizeLinear:DequantizeLinear conv1:Conv relu1:Relu pool:MaxPool"
        + " p_QuantizeLinear:QuantizeLinear p_DequantizeLinear:DequantizeLinear w2_DequantizeLinear:DequantizeLinear"
        + " conv2:Conv y_QuantizeLinear:QuantizeLinear y_DequantizeLinear:DequantizeLinear mm:MatMul", ops);
    Graph g = q.graph();
    Node conv1 = g.nodes().stream().filter(n -> n.name().equals("conv1")).findFirst().orElseThrow();
    assertEquals(List.of("x_dequantized", "w_dequantized", "b_dequantized"), conv1.inputs());
    Node conv2 = g.nodes().stream().filter(n -> n.name().equals("conv2")).findFirst().orElseThrow();
    assertEquals(List.of("p_dequantized", "w2_dequantized"), conv2.inputs());
    assertEquals(List.of("y_float"), conv2.outputs(), "the graph output keeps its name on the final DQ");
    assertEquals(DataType.INT8, g.initializer("w_quantized").orElseThrow().type());
    assertEquals(DataType.INT32, g.initializer("b_quantized").orElseThrow().type());
    // B_scale = x_scale · W_scale: channel 0 max|W| = 2 → 2/127
    assertEquals(0.1f * (2f / 127), g.initializer("b_scale").orElseThrow().toFloatArray()[0], 1e-9f);
    assertTrue(g.initializer("w").isEmpty() && g.initializer("b").isEmpty(), "float weights removed");
    assertEquals("int8", q.metadata().get("mobilize.quantization"));
    assertEquals("kl", q.metadata().get("mobilize.calibration"));
    assertEquals(0, g.initializer("int8_zero_point").orElseThrow().toByteArray()[0]);
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
        assertEquals("int8_zero_point", n.input(2), n.name() + " reads the shared zero point");
      }
    }
    assertEquals(List.of("int8_zero_point"), g.initializers().keySet().stream().filter(k -> k.contains("zero_point"))
        .toList());
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
        assertEquals(n.name().startsWith("p_") ? "int8_zero_point_unsigned" : "int8_zero_point", n.input(2), n.name());
      }
    }
    assertEquals(-128, g.initializer("int8_zero_point_unsigned").orElseThrow().toByteArray()[0]);
    assertEquals(DataType.INT8, g.initializer("int8_zero_point_unsigned").orElseThrow().type());
    // the bias scale is x_scale · W_scale whatever the zero points: conv2 has no bias, conv1 reads x (symmetric)
    assertEquals(0.1f * (2f / 127), g.initializer("b_scale").orElseThrow().toFloatArray()[0], 1e-9f);
  }

  @Test
  void sharedZeroPointAvoidsAnExistingName() {
    Model m = model();
    Graph g0 = m.graph().toBuilder().initializer("int8_zero_point", Tensor.scalar(3f)).build();
    Model q = InsertQdq.apply(m.withGraph(g0), QuantTargets.find(g0), Map.of("x", 0.1f, "p", 0.05f, "r", 0.05f,
        "y", 0.2f), "kl");
    assertEquals(3f, q.graph().initializer("int8_zero_point").orElseThrow().toFloatArray()[0]);
    assertEquals(DataType.INT8, q.graph().initializer("int8_zero_point_2").orElseThrow().type());
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
    assertEquals("x_QuantizeLinear:QuantizeLinear x_DequantizeLinear:DequantizeLinear"
        + " w_DequantizeLinear:DequantizeLinear b_DequantizeLinear:DequantizeLinear conv1:Conv relu1:Relu"
        + " r_QuantizeLinear:QuantizeLinear r_DequantizeLinear:DequantizeLinear pool:MaxPool"
        + " p_QuantizeLinear:QuantizeLinear p_DequantizeLinear:DequantizeLinear w2_DequantizeLinear:DequantizeLinear"
        + " conv2:Conv y_QuantizeLinear:QuantizeLinear y_DequantizeLinear:DequantizeLinear mm:MatMul", ops);
    Node pool = q.graph().nodes().stream().filter(n -> n.name().equals("pool")).findFirst().orElseThrow();
    assertEquals(List.of("r_dequantized"), pool.inputs());
    assertEquals(0.04f, q.graph().initializer("p_scale").orElseThrow().toFloatArray()[0]);
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
