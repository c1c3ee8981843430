package dev.mobilize.qdq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.FusedOps;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import org.junit.jupiter.api.Test;

class QdqMatcherTest {

  private static final Tensor ZP = Tensor.of(DataType.INT8, new long[0], new byte[] {0});

  /**
   * {@code x → Q/DQ → Conv(W_q [2,1,1,1] axis 0, B_q) → Relu → Q/DQ → y}, activation scale 0.5
   * (zero point {@code zp}, or none when null), weight scales {0.25, 0.125}, bias scale
   * {@code x_scale · W_scale}.
   */
  private static Graph.Builder conv(Tensor zp) {
    Graph.Builder b = Graph.builder("g").input(new ValueInfo("x", DataType.FLOAT, Shape.of(1, 1, 2, 2)))
        .output(new ValueInfo("y", DataType.FLOAT, Shape.of(1, 2, 2, 2)))
        .initializer("s", Tensor.scalar(0.5f)).initializer("s_out", Tensor.scalar(0.25f))
        .initializer("w_q", Tensor.of(DataType.INT8, new long[] {2, 1, 1, 1}, new byte[] {3, -4}))
        .initializer("w_s", Tensor.ofFloats(new long[] {2}, 0.25f, 0.125f))
        .initializer("b_q", Tensor.ofInts(new long[] {2}, 10, -20))
        .initializer("b_s", Tensor.ofFloats(new long[] {2}, 0.125f, 0.0625f));
    String[] z = zp == null ? new String[0] : new String[] {"zp"};
    if (zp != null) {
      b.initializer("zp", zp);
    }
    return b.node(Node.builder("QuantizeLinear").name("xq").inputs(cat("x", "s", z)).outputs("x_q").build())
        .node(Node.builder("DequantizeLinear").name("xdq").inputs(cat("x_q", "s", z)).outputs("x_dq").build())
        .node(Node.builder("DequantizeLinear").name("wdq").inputs("w_q", "w_s").outputs("w_dq")
            .attributes(Attributes.builder().set("axis", 0L).build()).build())
        .node(Node.builder("DequantizeLinear").name("bdq").inputs("b_q", "b_s").outputs("b_dq")
            .attributes(Attributes.builder().set("axis", 0L).build()).build())
        .node(Node.builder("Conv").name("conv").inputs("x_dq", "w_dq", "b_dq").outputs("c").build())
        .node(Node.builder("Relu").name("relu").inputs("c").outputs("r").build())
        .node(Node.builder("QuantizeLinear").name("yq").inputs(cat("r", "s_out", z)).outputs("y_q").build())
        .node(Node.builder("DequantizeLinear").name("ydq").inputs(cat("y_q", "s_out", z)).outputs("y").build());
  }

  private static String[] cat(String a, String b, String[] rest) {
    String[] out = new String[2 + rest.length];
    out[0] = a;
    out[1] = b;
    System.arraycopy(rest, 0, out, 2, rest.length);
    return out;
  }

  private static Node node(Graph g, String name) {
    return g.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
  }

  private static QdqMatcher.Match matchConv(Graph g) {
    return QdqMatcher.of(g).match(node(g, "conv"));
  }

  @Test
  void matchesAQuantizedConvWithItsActivationAndOutputPair() {
    Graph g = conv(ZP).build();
    QuantizedOp q = matchConv(g).op();
    assertEquals("x", q.input().input());
    assertEquals(0.5f, q.input().scale());
    assertEquals(0, q.input().zeroPoint());
    assertEquals(Tensor.of(DataType.INT8, new long[] {2, 1, 1, 1}, new byte[] {3, -4}), q.weight().values());
    assertArrayEquals(new float[] {0.25f, 0.125f}, q.weightScale());
    assertEquals(2, q.channels());
    assertArrayEquals(new int[] {10, -20}, q.bias().values().toIntArray());
    assertTrue(q.biasScaleMatches());
    assertEquals("Relu", q.activation());
    assertArrayEquals(new float[] {0f, Float.MAX_VALUE}, q.activationBounds());
    assertSame(node(g, "relu"), q.activationNode());
    assertEquals("r", q.output());
    assertEquals(0.25f, q.outputPair().scale());
    assertEquals("y", q.outputPair().output());
    assertTrue(q.symmetric());
  }

  @Test
  void absentZeroPointsAreZero() {
    QuantizedOp q = matchConv(conv(null).build()).op();
    assertEquals(0, q.input().zeroPoint());
    assertEquals(0, q.outputPair().zeroPoint());
    assertTrue(q.symmetric());
  }

  @Test
  void reportsAnAsymmetricActivationZeroPoint() {
    QuantizedOp q = matchConv(conv(Tensor.of(DataType.INT8, new long[0], new byte[] {-128})).build()).op();
    assertEquals(-128, q.input().zeroPoint());
    assertEquals(-128, q.outputPair().zeroPoint());
    assertFalse(q.input().symmetric());
    assertFalse(q.symmetric());
  }

  @Test
  void aPairNeedsTheSameScaleAndZeroPointOnBothNodes() {
    Graph g = conv(ZP).initializer("s2", Tensor.scalar(0.5001f)).build();
    Graph other = g.toBuilder().nodes(g.nodes().stream().map(n -> n.name().equals("xdq")
        ? n.toBuilder().input(1, "s2").build() : n).toList()).build();
    QdqMatcher.Match m = matchConv(other);
    assertFalse(m.matched());
    assertEquals("its input does not come through a QuantizeLinear→DequantizeLinear pair", m.reason());
    assertTrue(QdqMatcher.of(other).pair("x_dq").isEmpty());

    Graph zp = g.toBuilder().initializer("zp1", Tensor.of(DataType.INT8, new long[0], new byte[] {1}))
        .nodes(g.nodes().stream().map(n -> n.name().equals("xq") ? n.toBuilder().input(2, "zp1").build() : n).toList())
        .build();
    assertTrue(QdqMatcher.of(zp).pair("x_dq").isEmpty());
  }

  @Test
  void refusesAWeightWithAZeroPointOrScalesAlongTheWrongAxis() {
    Graph g = conv(ZP).initializer("w_zp", Tensor.of(DataType.INT8, new long[] {2}, new byte[] {0, 1})).build();
    Graph zp = g.toBuilder().nodes(g.nodes().stream().map(n -> n.name().equals("wdq")
        ? n.toBuilder().inputs("w_q", "w_s", "w_zp").build() : n).toList()).build();
    assertEquals("its weight has a non-zero zero point", matchConv(zp).reason());

    Graph axis = g.toBuilder().nodes(g.nodes().stream().map(n -> n.name().equals("wdq")
        ? n.toBuilder().attributes(Attributes.builder().set("axis", 1L).build()).build() : n).toList()).build();
    assertEquals("its weight scales are along axis 1, not along the output channels (axis 0)", matchConv(axis).reason());
  }

  @Test
  void aPerTensorWeightScaleIsRepeatedPerChannel() {
    Graph g = conv(ZP).initializer("w_s", Tensor.scalar(0.25f)).build();
    assertArrayEquals(new float[] {0.25f, 0.25f}, matchConv(g).op().weightScale());
    assertFalse(matchConv(g).op().biasScaleMatches(), "bias scale 0.0625 is not 0.5 * 0.25");
  }

  @Test
  void withoutAPairAfterTheActivationTheOutputIsFloat() {
    Graph g = conv(ZP).build();
    Graph noQ = g.toBuilder().nodes(g.nodes().stream().filter(n -> !n.name().equals("yq") && !n.name().equals("ydq"))
        .toList()).outputs(java.util.List.of(new ValueInfo("r", DataType.FLOAT, Shape.of(1, 2, 2, 2)))).build();
    QuantizedOp q = matchConv(noQ).op();
    assertEquals("r", q.output());
    assertNull(q.outputPair());
  }

  @Test
  void aFusedClipGivesItsBounds() {
    Graph g = conv(ZP).build();
    Graph fused = g.toBuilder().nodes(g.nodes().stream().filter(n -> !n.name().equals("relu")).map(n -> n.name()
        .equals("conv") ? n.toBuilder().opType(FusedOps.FUSED_CONV).domain(Node.MOBILIZE_DOMAIN).outputs("r")
        .attributes(Attributes.builder().set(FusedOps.ACTIVATION, "Clip").floats(FusedOps.ACTIVATION_PARAMS, 0f, 6f)
        .build()).build() : n).toList()).build();
    QuantizedOp q = QdqMatcher.of(fused).match(node(fused, "conv")).op();
    assertEquals("Clip", q.activation());
    assertArrayEquals(new float[] {0f, 6f}, q.activationBounds());
    assertNull(q.activationNode());
    assertEquals(0.25f, q.outputPair().scale());
  }

  @Test
  void gemmWeightsArePerOutputColumn() {
    Graph g = Graph.builder("g").input(new ValueInfo("x", DataType.FLOAT, Shape.of(1, 3)))
        .output(new ValueInfo("y", DataType.FLOAT, Shape.of(1, 2)))
        .initializer("s", Tensor.scalar(0.5f)).initializer("zp", ZP)
        .initializer("w_q", Tensor.of(DataType.INT8, new long[] {3, 2}, new byte[] {1, 2, 3, 4, 5, 6}))
        .initializer("w_s", Tensor.ofFloats(new long[] {2}, 0.25f, 0.125f))
        .node(Node.builder("QuantizeLinear").inputs("x", "s", "zp").outputs("x_q").build())
        .node(Node.builder("DequantizeLinear").inputs("x_q", "s", "zp").outputs("x_dq").build())
        .node(Node.builder("DequantizeLinear").inputs("w_q", "w_s").outputs("w_dq")
            .attributes(Attributes.builder().set("axis", 1L).build()).build())
        .node(Node.builder("Gemm").name("fc").inputs("x_dq", "w_dq").outputs("y").build()).build();
    QdqMatcher m = QdqMatcher.of(g);
    QuantizedOp q = m.match(node(g, "fc")).op();
    assertArrayEquals(new float[] {0.25f, 0.125f}, q.weightScale());
    assertEquals("", q.activation());
    assertNull(q.outputPair(), "a graph output read by nothing");
    Node transB = node(g, "fc").toBuilder().attributes(Attributes.builder().set("transB", 1L).build()).build();
    assertEquals("its weight scales are along axis 1, not along the output channels (axis 0)",
        m.match(transB).reason());
    Node alpha = node(g, "fc").toBuilder().attributes(Attributes.builder().set("alpha", 2f).build()).build();
    assertEquals("Gemm with alpha/beta other than 1 or transA", m.match(alpha).reason());
    assertEquals("Relu is not a quantized op", m.match(Node.builder("Relu").inputs("x").outputs("r").build()).reason());
  }

  @Test
  void dequantizesConstantsAlongTheirAxisWithZeroPoints() {
    QdqConstant c = new QdqConstant(null, Tensor.of(DataType.INT8, new long[] {2, 2}, new byte[] {1, 2, 3, 4}),
        new float[] {0.5f, 2f}, new long[] {1, 0}, 1);
    assertArrayEquals(new float[] {0f, 4f, 1f, 8f}, c.dequantized().toFloatArray());
    assertFalse(c.symmetric());
    QdqConstant perTensor = new QdqConstant(null, Tensor.ofInts(new long[] {2}, 3, -3), new float[] {0.5f},
        new long[0], 0);
    assertArrayEquals(new float[] {1.5f, -1.5f}, perTensor.dequantized().toFloatArray());
    assertTrue(perTensor.symmetric());
  }

  @Test
  void findsPairsAndConstantsOfTheGraph() {
    Graph g = conv(ZP).build();
    QdqMatcher m = QdqMatcher.of(g);
    assertEquals(java.util.List.of("x_dq", "y"), java.util.List.copyOf(m.pairs().keySet()));
    assertEquals(java.util.List.of("w_dq", "b_dq"), java.util.List.copyOf(m.constants().keySet()));
    assertEquals(0, m.constant("w_dq").orElseThrow().axis());
    assertSame(m.pair("y").orElseThrow(), m.pairOf(node(g, "yq")).orElseThrow());
    assertTrue(m.isGraphOutput("y"));
  }
}
