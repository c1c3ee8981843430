package dev.mobilize.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.Options;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Small cases worked out by hand for ConvTranspose, mobilize.FusedConvTranspose, RNN, LSTM layouts,
 * Loop, Scan, NonMaxSuppression and Einsum (ONNX Runtime comparisons are in {@link OrtOracleGraphsTest}).
 */
class HandComputedKernelsTest {

  private static Map<String, Tensor> run(Graph g, Map<String, Tensor> in) {
    Model m = Model.of(g, Map.of("", 21L, Node.MOBILIZE_DOMAIN, 1L));
    try (CpuPreparedModel p = new CpuGraphExecutor().prepare(m, Options.of(Map.of("threads", "2")))) {
      return p.run(in);
    }
  }

  private static ValueInfo f32(String name, long... shape) {
    return new ValueInfo(name, DataType.FLOAT, Shape.of(shape));
  }

  @Test
  void convTransposeStride2SpreadsEachInputOverItsWindow() {
    // x [[1,2],[3,4]], 2x2 kernel of ones, stride 2: each input value fills its own 2x2 block
    Graph g = Graph.builder("g").input(f32("x", 1, 1, 2, 2))
        .initializer("w", Tensor.ofFloats(new long[] {1, 1, 2, 2}, 1, 1, 1, 1))
        .node(Node.builder("ConvTranspose").inputs("x", "w").outputs("y")
            .attributes(Attributes.builder().ints("strides", 2, 2).build()).build())
        .output(f32("y", 1, 1, 4, 4)).build();
    Tensor y = run(g, Map.of("x", Tensor.ofFloats(new long[] {1, 1, 2, 2}, 1, 2, 3, 4))).get("y");
    assertArrayEquals(new long[] {1, 1, 4, 4}, y.dims());
    assertArrayEquals(new float[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}, y.toFloatArray());
  }

  @Test
  void convTransposeOverlapsAddAndFusedClipClamps() {
    // 1-D: x [1,2,3], kernel [1,1,1], stride 1: y = [1,3,6,5,3]; bias 1 then Clip [0, 5.5]
    Graph g = Graph.builder("g").input(f32("x", 1, 1, 3))
        .initializer("w", Tensor.ofFloats(new long[] {1, 1, 3}, 1, 1, 1))
        .initializer("b", Tensor.ofFloats(new long[] {1}, 1))
        .node(Node.builder("FusedConvTranspose").domain(Node.MOBILIZE_DOMAIN).inputs("x", "w", "b").outputs("y")
            .attributes(Attributes.builder().set("activation", "Clip").floats("activation_params", 0f, 5.5f).build())
            .build())
        .output(f32("y", 1, 1, 5)).build();
    Tensor y = run(g, Map.of("x", Tensor.ofFloats(new long[] {1, 1, 3}, 1, 2, 3))).get("y");
    assertArrayEquals(new float[] {2, 4, 5.5f, 5.5f, 4}, y.toFloatArray());
  }

  @Test
  void rnnTwoStepsByHand() {
    // h1 = tanh(0.5 * 2) ; h2 = tanh(0.5 * -1 + 1 * h1)
    Graph g = Graph.builder("g").input(f32("x", 2, 1, 1))
        .initializer("w", Tensor.ofFloats(new long[] {1, 1, 1}, 0.5f))
        .initializer("r", Tensor.ofFloats(new long[] {1, 1, 1}, 1f))
        .node(Node.builder("RNN").inputs("x", "w", "r").outputs("y", "yh")
            .attributes(Attributes.builder().set("hidden_size", 1L).build()).build())
        .output(f32("y", 2, 1, 1, 1)).output(f32("yh", 1, 1, 1)).build();
    Map<String, Tensor> out = run(g, Map.of("x", Tensor.ofFloats(new long[] {2, 1, 1}, 2, -1)));
    float h1 = (float) Math.tanh(1);
    float h2 = (float) Math.tanh(-0.5 + h1);
    assertArrayEquals(new float[] {h1, h2}, out.get("y").toFloatArray(), 1e-6f);
    assertArrayEquals(new float[] {h2}, out.get("yh").toFloatArray(), 1e-6f);
  }

  @Test
  void lstmLayout1MatchesLayout0OnTransposedInput() {
    // ORT's CPU LSTM refuses layout 1, so layout 1 is checked against layout 0 here
    Random random = new Random(3);
    int seq = 4;
    int batch = 3;
    int input = 2;
    int hidden = 5;
    float[] x = new float[seq * batch * input];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    float[] w = new float[2 * 4 * hidden * input];
    float[] r = new float[2 * 4 * hidden * hidden];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) random.nextGaussian() * 0.5f;
    }
    for (int i = 0; i < r.length; i++) {
      r[i] = (float) random.nextGaussian() * 0.5f;
    }
    float[] xb = new float[x.length]; // [batch, seq, input]
    for (int t = 0; t < seq; t++) {
      for (int b = 0; b < batch; b++) {
        System.arraycopy(x, (t * batch + b) * input, xb, (b * seq + t) * input, input);
      }
    }
    Map<String, Tensor> r0 = runLstm(0, new long[] {seq, batch, input}, x, w, r, hidden);
    Map<String, Tensor> r1 = runLstm(1, new long[] {batch, seq, input}, xb, w, r, hidden);
    float[] y0 = r0.get("y").toFloatArray(); // [seq, 2, batch, hidden]
    float[] y1 = r1.get("y").toFloatArray(); // [batch, seq, 2, hidden]
    assertArrayEquals(new long[] {batch, seq, 2, hidden}, r1.get("y").dims());
    for (int t = 0; t < seq; t++) {
      for (int d = 0; d < 2; d++) {
        for (int b = 0; b < batch; b++) {
          for (int j = 0; j < hidden; j++) {
            assertEquals(y0[((t * 2 + d) * batch + b) * hidden + j], y1[((b * seq + t) * 2 + d) * hidden + j], 1e-6f);
          }
        }
      }
    }
    float[] h0 = r0.get("yh").toFloatArray(); // [2, batch, hidden]
    float[] h1 = r1.get("yh").toFloatArray(); // [batch, 2, hidden]
    for (int d = 0; d < 2; d++) {
      for (int b = 0; b < batch; b++) {
        for (int j = 0; j < hidden; j++) {
          assertEquals(h0[(d * batch + b) * hidden + j], h1[(b * 2 + d) * hidden + j], 1e-6f);
        }
      }
    }
  }

  private static Map<String, Tensor> runLstm(int layout, long[] xShape, float[] x, float[] w, float[] r, int hidden) {
    Graph g = Graph.builder("g").input(f32("x", xShape))
        .initializer("w", Tensor.ofFloats(new long[] {2, 4 * hidden, xShape[2]}, w))
        .initializer("r", Tensor.ofFloats(new long[] {2, 4 * hidden, hidden}, r))
        .node(Node.builder("LSTM").inputs("x", "w", "r").outputs("y", "yh", "yc")
            .attributes(Attributes.builder().set("hidden_size", (long) hidden).set("layout", (long) layout)
                .set("direction", "bidirectional").build()).build())
        .output(new ValueInfo("y", DataType.FLOAT, Shape.UNKNOWN))
        .output(new ValueInfo("yh", DataType.FLOAT, Shape.UNKNOWN))
        .output(new ValueInfo("yc", DataType.FLOAT, Shape.UNKNOWN)).build();
    return run(g, Map.of("x", Tensor.ofFloats(xShape, x)));
  }

  @Test
  void scanCumulativeSum() {
    // body (s, x_t) -> (s + x_t, s + x_t): final 6, running sums [1, 3, 6]
    Graph body = Graph.builder("body").input(f32("s", 1)).input(f32("xt", 1))
        .node(Node.builder("Add").inputs("s", "xt").outputs("s2").build())
        .node(Node.builder("Identity").inputs("s2").outputs("o").build())
        .output(f32("s2", 1)).output(f32("o", 1)).build();
    Graph g = Graph.builder("g").input(f32("s0", 1)).input(f32("x", 3, 1))
        .node(Node.builder("Scan").inputs("s0", "x").outputs("sN", "y")
            .attributes(Attributes.builder().set("body", body).set("num_scan_inputs", 1L).build()).build())
        .output(f32("sN", 1)).output(f32("y", 3, 1)).build();
    Map<String, Tensor> out = run(g, Map.of("s0", Tensor.ofFloats(new long[] {1}, 0),
        "x", Tensor.ofFloats(new long[] {3, 1}, 1, 2, 3)));
    assertArrayEquals(new float[] {6}, out.get("sN").toFloatArray());
    assertArrayEquals(new float[] {1, 3, 6}, out.get("y").toFloatArray());
  }

  @Test
  void loopZeroTripsGivesEmptyScanOutputShapedLikeTheBodyOutput() {
    Graph body = Graph.builder("body").input(new ValueInfo("i", DataType.INT64, Shape.SCALAR))
        .input(new ValueInfo("c", DataType.BOOL, Shape.SCALAR)).input(f32("v", 2, 3))
        .node(Node.builder("Identity").inputs("c").outputs("c2").build())
        .node(Node.builder("Identity").inputs("v").outputs("v2").build())
        .node(Node.builder("Identity").inputs("v").outputs("s").build())
        .output(new ValueInfo("c2", DataType.BOOL, Shape.SCALAR)).output(f32("v2", 2, 3)).output(f32("s", 2, 3))
        .build();
    Graph g = Graph.builder("g").input(new ValueInfo("m", DataType.INT64, Shape.SCALAR)).input(f32("v0", 2, 3))
        .node(Node.builder("Loop").inputs("m", "", "v0").outputs("vN", "scan")
            .attributes(Attributes.builder().set("body", body).build()).build())
        .output(f32("vN", 2, 3)).output(new ValueInfo("scan", DataType.FLOAT, Shape.UNKNOWN)).build();
    float[] v0 = {1, 2, 3, 4, 5, 6};
    Map<String, Tensor> in = new LinkedHashMap<>();
    in.put("m", Tensor.ofLongs(new long[0], 0));
    in.put("v0", Tensor.ofFloats(new long[] {2, 3}, v0));
    Map<String, Tensor> out = run(g, in);
    assertArrayEquals(v0, out.get("vN").toFloatArray());
    assertArrayEquals(new long[] {0, 2, 3}, out.get("scan").dims());
    in.put("m", Tensor.ofLongs(new long[0], 2));
    assertArrayEquals(new long[] {2, 2, 3}, run(g, in).get("scan").dims());
  }

  @Test
  void nonMaxSuppressionSuppressesTheOverlappingBox() {
    // box 1 overlaps box 0 with IoU 0.9/1.1 > 0.5 and scores lower: selected are boxes 0 and 2
    Graph g = Graph.builder("g").input(f32("boxes", 1, 3, 4)).input(f32("scores", 1, 1, 3))
        .initializer("max", Tensor.ofLongs(new long[] {1}, 10))
        .initializer("iou", Tensor.ofFloats(new long[] {1}, 0.5f))
        .node(Node.builder("NonMaxSuppression").inputs("boxes", "scores", "max", "iou").outputs("sel").build())
        .output(new ValueInfo("sel", DataType.INT64, Shape.UNKNOWN)).build();
    Map<String, Tensor> out = run(g, Map.of(
        "boxes", Tensor.ofFloats(new long[] {1, 3, 4}, 0, 0, 1, 1, 0, 0.1f, 1, 1.1f, 0, 2, 1, 3),
        "scores", Tensor.ofFloats(new long[] {1, 1, 3}, 0.9f, 0.8f, 0.7f)));
    assertArrayEquals(new long[] {2, 3}, out.get("sel").dims());
    assertArrayEquals(new long[] {0, 0, 0, 0, 0, 2}, out.get("sel").toLongArray());
  }

  @Test
  void einsumTraceMatmulAndIntegers() {
    assertArrayEquals(new float[] {5}, einsum("ii", Tensor.ofFloats(new long[] {2, 2}, 1, 2, 3, 4)).toFloatArray());
    assertArrayEquals(new float[] {19, 22, 43, 50}, einsum("ij,jk->ik", Tensor.ofFloats(new long[] {2, 2}, 1, 2, 3, 4),
        Tensor.ofFloats(new long[] {2, 2}, 5, 6, 7, 8)).toFloatArray());
    Tensor t = einsum("i,i->", Tensor.ofLongs(new long[] {3}, 1, 2, 3), Tensor.ofLongs(new long[] {3}, 4, 5, 6));
    assertEquals(DataType.INT64, t.type());
    assertArrayEquals(new long[] {32}, t.toLongArray());
    assertNull(Compare.mismatch(Tensor.ofFloats(new long[] {3, 2}, 1, 4, 2, 5, 3, 6),
        einsum("ij->ji", Tensor.ofFloats(new long[] {2, 3}, 1, 2, 3, 4, 5, 6)), 0, 0));
  }

  private static Tensor einsum(String equation, Tensor... operands) {
    Graph.Builder b = Graph.builder("g");
    Map<String, Tensor> in = new LinkedHashMap<>();
    String[] names = new String[operands.length];
    for (int i = 0; i < operands.length; i++) {
      names[i] = "x" + i;
      b.input(new ValueInfo(names[i], operands[i].type(), Shape.of(operands[i].dims())));
      in.put(names[i], operands[i]);
    }
    Graph g = b.node(Node.builder("Einsum").inputs(List.of(names)).outputs("y")
            .attributes(Attributes.builder().set("equation", equation).build()).build())
        .output(new ValueInfo("y", operands[0].type(), Shape.UNKNOWN)).build();
    return run(g, in).get("y");
  }
}
