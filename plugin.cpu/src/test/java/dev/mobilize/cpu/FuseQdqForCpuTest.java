package dev.mobilize.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.Options;
import dev.mobilize.service.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The int8 kernels made by {@link FuseQdqForCpu} against the same QDQ graph run op by op (float
 * ops between QuantizeLinear and DequantizeLinear). With power-of-two scales the op-by-op result is
 * exact, so the int8 outputs must be identical; with min-max scales they may differ by one unit
 * where the float sum lands within rounding error of a rounding boundary.
 */
class FuseQdqForCpuTest {

  private static final Logger LOG = LoggerFactory.getLogger(FuseQdqForCpuTest.class);
  private final Random random = new Random(11);

  /** A float graph: one input {@code x}, output {@code y}, and the number of ops that must become int8. */
  private record Case(String label, Graph graph, long[] inputShape, int int8Ops) {}

  private final class Net {
    final Graph.Builder b = Graph.builder("net");
    final List<Node> nodes = new ArrayList<>();
    final long[] shape;
    int count;

    Net(long... shape) {
      this.shape = shape;
      b.input(new ValueInfo("x", DataType.FLOAT, Shape.of(shape)));
    }

    String conv(String in, int c, int m, int k, int stride, int pad, int group, int dilation) {
      String w = "w" + count;
      b.initializer(w, Tensor.ofFloats(new long[] {m, c / group, k, k}, randoms(m * c / group * k * k, 0.5f)));
      b.initializer("b" + count, Tensor.ofFloats(new long[] {m}, randoms(m, 0.3f)));
      return node("Conv", Attributes.builder().ints("kernel_shape", k, k).ints("strides", stride, stride)
          .ints("pads", pad, pad, pad, pad).set("group", group).ints("dilations", dilation, dilation).build(), in, w, "b" + count);
    }

    String node(String op, Attributes a, String... in) {
      String out = op.toLowerCase() + count++;
      nodes.add(Node.builder(op).inputs(in).outputs(out).attributes(a).build());
      return out;
    }

    String act(String op, String in) {
      if (op.equals("Relu6")) {
        b.initializer("zero", Tensor.scalar(0f)).initializer("six", Tensor.scalar(6f));
        return node("Clip", Attributes.EMPTY, in, "zero", "six");
      }
      Attributes a = op.equals("LeakyRelu") ? Attributes.builder().set("alpha", 0.125f).build() : Attributes.EMPTY;
      return op.isEmpty() ? in : node(op, a, in);
    }

    Case done(String label, String last, int int8Ops) {
      Node n = nodes.remove(nodes.size() - 1);
      nodes.add(n.toBuilder().outputs("y").build());
      return new Case(label, b.nodes(nodes).output(new ValueInfo("y", DataType.FLOAT, Shape.UNKNOWN)).build(),
          shape, int8Ops);
    }
  }

  private List<Case> cases() {
    List<Case> out = new ArrayList<>();
    Net n = new Net(1, 5, 9, 9);
    out.add(n.done("conv 3x3 pad 1, Relu", n.act("Relu", n.conv("x", 5, 7, 3, 1, 1, 1, 1)), 1));
    n = new Net(1, 6, 20, 20);
    out.add(n.done("depthwise 3x3, Relu6", n.act("Relu6", n.conv("x", 6, 6, 3, 1, 1, 6, 1)), 1));
    n = new Net(2, 6, 17, 17);
    out.add(n.done("depthwise 3x3 stride 2, batch 2", n.conv("x", 6, 6, 3, 2, 1, 6, 1), 1));
    n = new Net(1, 16, 14, 14);
    out.add(n.done("1x1, Relu6", n.act("Relu6", n.conv("x", 16, 24, 1, 1, 0, 1, 1)), 1));
    n = new Net(1, 3, 23, 23);
    out.add(n.done("3x3 stride 2 pad 1, Relu", n.act("Relu", n.conv("x", 3, 8, 3, 2, 1, 1, 1)), 1));
    n = new Net(1, 8, 11, 11);
    out.add(n.done("grouped 3x3 dilation 2", n.conv("x", 8, 6, 3, 1, 2, 2, 2), 1));
    n = new Net(1, 32, 12, 12);
    out.add(n.done("3x3 with K = 288, LeakyRelu", n.act("LeakyRelu", n.conv("x", 32, 20, 3, 1, 1, 1, 1)), 1));
    n = new Net(1, 8, 10, 10);
    out.add(n.done("1x1 then Sigmoid", n.act("Sigmoid", n.conv("x", 8, 8, 1, 1, 0, 1, 1)), 1));
    n = new Net(1, 8, 16, 16);
    String t = n.conv("x", 8, 8, 1, 1, 0, 1, 1);
    String u = n.act("Relu6", n.conv(t, 8, 8, 3, 1, 1, 8, 1));
    String v = n.node("Add", Attributes.EMPTY, t, u);
    out.add(n.done("1x1, depthwise into a float Add, 1x1 after it", n.act("Relu", n.conv(v, 8, 12, 1, 1, 0, 1, 1)), 2));
    n = new Net(1, 8, 16, 16);
    String c1 = n.act("Relu6", n.conv("x", 8, 16, 3, 2, 1, 1, 1));
    String c2 = n.act("Relu6", n.conv(c1, 16, 16, 3, 1, 1, 16, 1));
    out.add(n.done("three int8 convs in a row", n.conv(c2, 16, 8, 1, 1, 0, 1, 1), 3));
    n = new Net(1, 8, 12, 12);
    String a = n.act("Relu6", n.conv("x", 8, 16, 1, 1, 0, 1, 1));
    String proj = n.conv(a, 16, 16, 1, 1, 0, 1, 1);
    String sum = n.node("Add", Attributes.EMPTY, a, proj);
    out.add(n.done("projection 1x1 into a residual Add (fused), 1x1 after it", n.conv(sum, 16, 8, 1, 1, 0, 1, 1), 3));
    n = new Net(1, 8, 12, 12);
    String a2 = n.act("Relu6", n.conv("x", 8, 8, 1, 1, 0, 1, 1));
    String proj2 = n.conv(a2, 8, 8, 3, 1, 1, 8, 1);
    String sum2 = n.node("Add", Attributes.EMPTY, proj2, a2);
    out.add(n.done("depthwise into a residual Add (conv first), 3x3 after it", n.conv(sum2, 8, 4, 3, 1, 1, 1, 1), 3));
    out.add(gemm(true, "Relu", 3));
    out.add(gemm(false, "", 1));
    n = new Net(2, 37);
    n.b.initializer("wm", Tensor.ofFloats(new long[] {37, 12}, randoms(37 * 12, 0.5f)));
    out.add(n.done("MatMul 2x37 by 37x12", n.node("MatMul", Attributes.EMPTY, "x", "wm"), 1));
    return out;
  }

  private Case gemm(boolean transB, String act, int rows) {
    Net n = new Net(rows, 37);
    n.b.initializer("wg", Tensor.ofFloats(transB ? new long[] {10, 37} : new long[] {37, 10}, randoms(370, 0.5f)));
    n.b.initializer("bg", Tensor.ofFloats(new long[] {10}, randoms(10, 0.3f)));
    String g = n.node("Gemm", Attributes.builder().set("transB", transB ? 1 : 0).build(), "x", "wg", "bg");
    return n.done("Gemm transB=" + (transB ? 1 : 0) + (act.isEmpty() ? "" : ", " + act), n.act(act, g), 1);
  }

  @Test
  void powerOfTwoScalesGiveIdenticalInt8Outputs() {
    for (Case c : cases()) {
      Map<String, Tensor> in = Map.of("x", input(c.inputShape()));
      Model q = QdqFixture.quantize(Model.of(c.graph(), Map.of("", 21L)), in, true);
      assertEquals(c.int8Ops(), int8Ops(q), c.label() + ": int8 kernels after the rewrite");
      byte[] expected = opByOp(q, in);
      byte[] actual = fused(q, in);
      assertEquals(expected.length, actual.length, c.label());
      for (int i = 0; i < expected.length; i++) {
        if (expected[i] != actual[i]) {
          throw new AssertionError(c.label() + ": first mismatch at " + i + ": op by op " + expected[i]
              + ", int8 kernel " + actual[i]);
        }
      }
    }
  }

  @Test
  void minMaxScalesDifferByAtMostOneUnitAndRarely() {
    long total = 0;
    long off = 0;
    for (Case c : cases()) {
      Map<String, Tensor> in = Map.of("x", input(c.inputShape()));
      Model q = QdqFixture.quantize(Model.of(c.graph(), Map.of("", 21L)), in, false);
      byte[] expected = opByOp(q, in);
      byte[] actual = fused(q, in);
      for (int i = 0; i < expected.length; i++) {
        int d = Math.abs(expected[i] - actual[i]);
        assertTrue(d <= 1, c.label() + ": element " + i + " op by op " + expected[i] + ", int8 kernel " + actual[i]);
        off += d;
      }
      total += expected.length;
    }
    LOG.info("min-max scales: {} of {} int8 outputs differ by one unit from op by op", off, total);
    assertTrue(off * 1000 <= total, off + " of " + total + " outputs differ, expected at most 0.1%");
  }

  /**
   * The compact form plugin.quant writes: no zero point on the weights' and biases' DequantizeLinear
   * (ONNX's default 0), one zero point shared by all activation pairs; same kernels, same bytes.
   */
  @Test
  void takesTheCompactFormWithoutConstantZeroPoints() {
    for (Case c : cases()) {
      Map<String, Tensor> in = Map.of("x", input(c.inputShape()));
      Model q = QdqFixture.quantize(Model.of(c.graph(), Map.of("", 21L)), in, true);
      Model compact = compact(q);
      assertTrue(compact.graph().initializers().size() < q.graph().initializers().size(), c.label());
      assertEquals(c.int8Ops(), int8Ops(compact), c.label() + ": int8 kernels in the compact form");
      org.junit.jupiter.api.Assertions.assertArrayEquals(fused(q, in), fused(compact, in), c.label());
    }
  }

  /** {@code q} with constants dequantized without zero point and one shared activation zero point. */
  static Model compact(Model q) {
    Graph g = q.graph();
    Graph.Builder b = g.toBuilder()
        .initializer("shared_zero_point", Tensor.of(DataType.INT8, new long[0], new byte[1]));
    List<Node> nodes = new ArrayList<>();
    for (Node n : g.nodes()) {
      boolean qdq = n.opType().equals("QuantizeLinear") || n.opType().equals("DequantizeLinear");
      if (qdq && n.inputs().size() == 3) {
        b.removeInitializer(n.input(2));
        boolean constant = g.initializer(n.input(0)).isPresent();
        n = n.toBuilder().inputs(constant ? n.inputs().subList(0, 2)
            : List.of(n.input(0), n.input(1), "shared_zero_point")).build();
      }
      nodes.add(n);
    }
    return q.withGraph(b.nodes(nodes).build());
  }

  @Test
  void runsNonZeroActivationZeroPointsExactly() {
    Net n = new Net(1, 5, 9, 9);
    Case c = n.done("conv", n.act("Relu", n.conv("x", 5, 7, 3, 1, 1, 1, 1)), 1);
    Map<String, Tensor> in = Map.of("x", input(c.inputShape()));
    Model q = QdqFixture.quantize(Model.of(c.graph(), Map.of("", 21L)), in, true);
    // input zero point 3 (padding must be the real 0, i.e. 3) and output zero point -100
    Graph.Builder b = q.graph().toBuilder();
    q.graph().initializers().forEach((name, t) -> {
      if (name.endsWith("_zero_point") && t.rank() == 0 && t.type() == DataType.INT8) {
        b.initializer(name, Tensor.of(DataType.INT8, new long[0], new byte[] {(byte) (name.equals("x_zero_point") ? 3
            : -100)}));
      }
    });
    Model zp = q.withGraph(b.build());
    Node conv = FuseQdqForCpu.apply(zp.graph()).nodes().stream().filter(x -> x.opType().equals("Int8Conv")).findFirst()
        .orElseThrow();
    assertEquals(3, conv.attributes().getInt("x_zero_point", 0));
    assertEquals(-100, conv.attributes().getInt("y_zero_point", 0));
    // power-of-two scales: the integer kernel equals QuantizeLinear(Conv(DequantizeLinear)) bit for bit
    org.junit.jupiter.api.Assertions.assertArrayEquals(opByOp(zp, in), fused(zp, in), "zero points 3 and -100");
  }

  /**
   * Weights of one magnitude over K = 1152 (power-of-two scale 2^-7, so |W_q| = 64 and sum |W_q| = 73728 per
   * channel): exact on floats for inputs of zero point 0 (128 * 73728 <= 2^24) but not for zero point -128
   * (255 * 73728 > 2^24), and the integer kernels take no input zero point, so that convolution stays op by op.
   */
  @Test
  void keepsAConvOpByOpWhenItsInputZeroPointBreaksTheExactFloatBound() {
    Net n = new Net(1, 128, 6, 6);
    Case c = n.done("conv", n.conv("x", 128, 4, 3, 1, 1, 1, 1), 1);
    float[] w = new float[4 * 128 * 9];
    for (int i = 0; i < w.length; i++) {
      w[i] = random.nextBoolean() ? 0.5f : -0.5f;
    }
    Graph g = c.graph().toBuilder().initializer("w0", Tensor.ofFloats(new long[] {4, 128, 3, 3}, w)).build();
    Map<String, Tensor> in = Map.of("x", input(c.inputShape()));
    Model q = QdqFixture.quantize(Model.of(g, Map.of("", 21L)), in, true);
    assertEquals(1, int8Ops(q), "input zero point 0");
    Graph.Builder b = q.graph().toBuilder();
    b.initializer("x_zero_point", Tensor.of(DataType.INT8, new long[0], new byte[] {-128}));
    assertEquals(0, int8Ops(q.withGraph(b.build())), "input zero point -128");
  }

  @Test
  void doesNotFireOnForeignBiasScale() {
    Net n = new Net(1, 5, 9, 9);
    Case c = n.done("conv", n.act("Relu", n.conv("x", 5, 7, 3, 1, 1, 1, 1)), 1);
    Map<String, Tensor> in = Map.of("x", input(c.inputShape()));
    Model q = QdqFixture.quantize(Model.of(c.graph(), Map.of("", 21L)), in, true);
    float[] bs = q.graph().initializers().get("b0_scale").toFloatArray();
    bs[0] *= 2;
    Model bias = q.withGraph(q.graph().toBuilder().initializer("b0_scale", Tensor.ofFloats(new long[] {7}, bs)).build());
    assertEquals(0, int8Ops(bias), "bias scale not x_scale * W_scale");
  }

  private static int int8Ops(Model q) {
    return (int) FuseQdqForCpu.apply(q.graph()).nodes().stream()
        .filter(n -> n.domain().equals(Node.MOBILIZE_DOMAIN) && n.opType().startsWith("Int8")).count();
  }

  /** The int8 graph output, the graph run node by node (no int8 kernels). */
  private static byte[] opByOp(Model q, Map<String, Tensor> in) {
    List<Problem> problems = new ArrayList<>();
    Program p = Program.compile(FuseForCpu.apply(q.graph()), q.opset(), Set.of(), Kernels.TABLE, problems);
    assertEquals(List.of(), problems);
    NdArray[] inputs = q.graph().inputs().stream().map(v -> NdArray.fromTensor(in.get(v.name()))).toArray(NdArray[]::new);
    NdArray[] out = p.run(inputs, null, new Exec(new Parallel(2)));
    int i = indexOfQuantizedOutput(q);
    assertEquals(DataType.INT8, out[i].type);
    return out[i].toTensor().toByteArray();
  }

  private static byte[] fused(Model q, Map<String, Tensor> in) {
    return run(q, in).toByteArray();
  }

  private static Tensor run(Model q, Map<String, Tensor> in) {
    try (CpuPreparedModel p = new CpuGraphExecutor().prepare(q, Options.of(Map.of("threads", "2")))) {
      Tensor t = p.run(in).get(QdqFixture.quantizedName("y"));
      assertEquals(DataType.INT8, t.type());
      return t;
    }
  }

  private static int indexOfQuantizedOutput(Model q) {
    List<ValueInfo> outs = q.graph().outputs();
    for (int i = 0; i < outs.size(); i++) {
      if (outs.get(i).name().equals(QdqFixture.quantizedName("y"))) {
        return i;
      }
    }
    throw new AssertionError("no output " + QdqFixture.quantizedName("y"));
  }

  private Tensor input(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return Tensor.ofFloats(shape, randoms((int) n, 3f));
  }

  private float[] randoms(int n, float range) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (random.nextFloat() * 2 - 1) * range;
    }
    return v;
  }
}
