package dev.mobilize.ncnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import dev.mobilize.qdq.QdqMatcher;
import dev.mobilize.service.GraphPass;
import dev.mobilize.service.Options;
import dev.mobilize.service.PassContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The QDQ lowering on the small graph of {@link NcnnInt8ExportTest}: pairs removed, int8 data attached. */
class LowerQdqToInt8Test {

  private static final PassContext CTX = PassContext.of(Options.NONE, "ncnn");

  @Test
  void pairsGoAndQuantizedOpsCarryTheirInt8Data() {
    Model qdq = QdqFixture.quantize(NcnnInt8ExportTest.smallFloat(), Map.of("data", NcnnInt8ExportTest.input()), false);
    GraphPass.PassResult r = new LowerQdqToInt8().apply(qdq, CTX);
    Graph g = r.model().graph();
    assertTrue(r.rewrites() > 0);
    assertTrue(g.nodes().stream().noneMatch(n -> n.opType().endsWith("QuantizeLinear")), g.toString());
    Node conv1 = node(g, "conv1");
    assertEquals("data", conv1.input(0), "the quantized op reads the float value before the pair");
    Tensor wq = conv1.attributes().tensor(LowerQdqToInt8.WEIGHT);
    assertEquals(DataType.INT8, wq.type());
    assertArrayEquals(new long[] {4, 3, 3, 3}, wq.dims());
    assertEquals(4, conv1.attributes().tensor(LowerQdqToInt8.WEIGHT_SCALE).numElements());
    // the graph output keeps its name: the Gemm writes it again
    assertEquals("prob", node(g, "fc").output(0));
    assertTrue(node(g, "fc").attributes().has(LowerQdqToInt8.INPUT_SCALE));
  }

  /** plugin.quant's compact form: the weights' and biases' DequantizeLinear have no zero point. */
  @Test
  void weightsWithoutZeroPointAreLoweredToo() {
    Model qdq = QdqFixture.quantize(NcnnInt8ExportTest.smallFloat(), Map.of("data", NcnnInt8ExportTest.input()), false);
    List<Node> nodes = new ArrayList<>();
    for (Node n : qdq.graph().nodes()) {
      boolean constant = qdq.graph().initializer(n.input(0)).isPresent();
      nodes.add(n.opType().equals("DequantizeLinear") && constant ? n.toBuilder().inputs(n.inputs().subList(0, 2))
          .build() : n);
    }
    Model compact = qdq.withGraph(qdq.graph().toBuilder().nodes(nodes).build());
    Graph g = new LowerQdqToInt8().apply(compact, CTX).model().graph();
    Graph expected = new LowerQdqToInt8().apply(qdq, CTX).model().graph();
    for (String name : List.of("conv1", "fc")) {
      Node n = node(g, name);
      assertEquals(node(expected, name).attributes().tensor(LowerQdqToInt8.WEIGHT), n.attributes()
          .tensor(LowerQdqToInt8.WEIGHT), name);
      assertEquals(expected.initializer(node(expected, name).input(2)), g.initializer(n.input(2)),
          name + ": the same float bias");
    }
  }

  /**
   * A convolution kept float (mixed precision: no pair on its weight) is not a quantized op, so it is written
   * in float without the warning for quantized ops ncnn cannot take in int8; its neighbours stay int8.
   */
  @Test
  void aConvolutionKeptFloatIsNotAQuantizedOp() {
    Model qdq = QdqFixture.quantize(NcnnInt8ExportTest.smallFloat(), Map.of("data", NcnnInt8ExportTest.input()), false);
    Graph g = qdq.graph();
    Node conv1 = node(g, "conv1");
    QdqMatcher before = QdqMatcher.of(g);
    assertTrue(LowerQdqToInt8.quantized(before, conv1));
    String floatWeight = "w1_float";
    Tensor w = before.constants().get(conv1.input(1)).dequantized();
    List<Node> nodes = new ArrayList<>();
    for (Node n : g.nodes()) {
      nodes.add(n == conv1 ? n.toBuilder().input(1, floatWeight).build() : n);
    }
    Graph kept = GraphEdits.removeDead(g.toBuilder().initializer(floatWeight, w).nodes(nodes).build());
    Node floatConv = node(kept, "conv1");
    assertFalse(LowerQdqToInt8.quantized(QdqMatcher.of(kept), floatConv));
    Graph lowered = new LowerQdqToInt8().apply(qdq.withGraph(kept), CTX).model().graph();
    assertFalse(node(lowered, "conv1").attributes().has(LowerQdqToInt8.WEIGHT));
    assertTrue(node(lowered, "fc").attributes().has(LowerQdqToInt8.WEIGHT), "the Gemm stays int8");
  }

  @Test
  void aWeightWithANonZeroZeroPointIsWrittenInFloat() {
    Model qdq = QdqFixture.quantize(NcnnInt8ExportTest.smallFloat(), Map.of("data", NcnnInt8ExportTest.input()), false);
    Graph g = qdq.graph();
    byte[] zp = new byte[4];
    zp[0] = 1;
    Model asymmetric = qdq.withGraph(g.toBuilder().initializer("w1_zero_point", Tensor.of(DataType.INT8, new long[] {4}, zp))
        .build());
    Graph lowered = new LowerQdqToInt8().apply(asymmetric, CTX).model().graph();
    Node conv1 = node(lowered, "conv1");
    assertFalse(conv1.attributes().has(LowerQdqToInt8.WEIGHT), "not in the form ncnn takes in int8");
    // its weight is the dequantized float constant (q - zp) * scale
    float[] w = lowered.initializer(conv1.input(1)).orElseThrow().toFloatArray();
    float[] q = g.initializer("w1_quantized").orElseThrow().toFloatArray();
    float s0 = g.initializer("w1_scale").orElseThrow().toFloatArray()[0];
    assertEquals((q[0] - 1) * s0, w[0], 1e-7);
  }

  /** Asymmetric activations (int8 zero point -128 on a non-negative tensor): ncnn's int8 layers are symmetric. */
  @Test
  void anInputWithANonZeroZeroPointIsWrittenInFloat() {
    Model qdq = QdqFixture.quantize(NcnnInt8ExportTest.smallFloat(), Map.of("data", NcnnInt8ExportTest.input()), false);
    Model asymmetric = qdq.withGraph(qdq.graph().toBuilder().initializer("data_zero_point",
        Tensor.of(DataType.INT8, new long[0], new byte[] {-128})).build());
    Graph lowered = new LowerQdqToInt8().apply(asymmetric, CTX).model().graph();
    Node conv1 = node(lowered, "conv1");
    assertFalse(conv1.attributes().has(LowerQdqToInt8.WEIGHT), "not in the form ncnn takes in int8");
    assertEquals("data_dequantized", conv1.input(0), "the asymmetric pair stays");
    assertTrue(node(lowered, "fc").attributes().has(LowerQdqToInt8.WEIGHT), "the symmetric rest is int8");
  }

  @Test
  void aFloatGraphIsLeftAlone() {
    Model m = NcnnInt8ExportTest.smallFloat();
    GraphPass.PassResult r = new LowerQdqToInt8().apply(m, CTX);
    assertEquals(0, r.rewrites());
    assertEquals(m, r.model());
  }

  private static Node node(Graph g, String name) {
    return g.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
  }
}
