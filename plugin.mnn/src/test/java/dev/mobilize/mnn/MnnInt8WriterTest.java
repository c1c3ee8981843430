package dev.mobilize.mnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.FusedOps;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.Options;
import dev.mobilize.service.Problem;
import dev.mobilize.testing.ReferenceData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The int8 writer on a small hand-made QDQ graph (docs/QUANTIZATION.md): the dump equals the golden
 * file, the file reads back as a QDQ graph computing what the QDQ graph computes, and the pre-flight
 * no longer refuses the Q/DQ it lowers.
 */
class MnnInt8WriterTest {

  @TempDir
  Path dir;

  /**
   * data → pair(0.02) → FusedConv(Relu, int8 w1, int32 b1) → pair(0.05) → depthwise Conv(int8 w2) →
   * Relu → pair(0.04) → GlobalAveragePool → Flatten → Gemm(DQ(int8 w3)) → logits.
   */
  static Model qdq() {
    Graph.Builder g = Graph.builder("small-int8")
        .input(new ValueInfo("data", DataType.FLOAT, Shape.of(1, 2, 4, 4)))
        .output(ValueInfo.unknown("logits"));
    pair(g, "data", 0.02f);
    weight(g, "w1", new long[] {3, 2, 3, 3}, new float[] {0.01f, 0.02f, 0.015f});
    bias(g, "b1", new int[] {100, -50, 7}, 0.02f, new float[] {0.01f, 0.02f, 0.015f});
    g.node(Node.builder(FusedOps.FUSED_CONV).domain(Node.MOBILIZE_DOMAIN).name("conv").inputs("data_dequantized",
        "w1_dequantized", "b1_dequantized").outputs("c1").attributes(Attributes.builder().ints("pads", 1, 1, 1, 1)
        .set(FusedOps.ACTIVATION, "Relu").build()).build());
    pair(g, "c1", 0.05f);
    weight(g, "w2", new long[] {3, 1, 3, 3}, new float[] {0.03f, 0.01f, 0.02f});
    g.node(Node.builder("Conv").name("dw").inputs("c1_dequantized", "w2_dequantized").outputs("d")
        .attributes(Attributes.builder().ints("pads", 1, 1, 1, 1).set("group", 3L).build()).build());
    g.node(Node.builder("Relu").name("relu").inputs("d").outputs("r").build());
    pair(g, "r", 0.04f);
    g.node(Node.builder("GlobalAveragePool").name("gap").inputs("r_dequantized").outputs("p").build());
    g.node(Node.builder("Flatten").name("flat").inputs("p").outputs("f").build());
    weight(g, "w3", new long[] {2, 3}, new float[] {0.02f, 0.025f});
    g.initializer("b3", Tensor.ofFloats(new long[] {2}, 0.1f, -0.1f));
    g.node(Node.builder("Gemm").name("fc").inputs("f", "w3_dequantized", "b3").outputs("logits")
        .attributes(Attributes.builder().set("transB", 1L).build()).build());
    return Model.of(g.build(), Map.of("", 21L, Node.MOBILIZE_DOMAIN, 1L));
  }

  /** {@code x → QuantizeLinear → DequantizeLinear → x_dequantized}, int8 scalar zero point 0. */
  private static void pair(Graph.Builder g, String x, float scale) {
    g.initializer(x + "_scale", Tensor.ofFloats(new long[0], scale));
    g.initializer(x + "_zero_point", Tensor.of(DataType.INT8, new long[0], new byte[1]));
    g.node(Node.builder("QuantizeLinear").name(x + "_QuantizeLinear").inputs(x, x + "_scale", x + "_zero_point")
        .outputs(x + "_quantized").build());
    g.node(Node.builder("DequantizeLinear").name(x + "_DequantizeLinear")
        .inputs(x + "_quantized", x + "_scale", x + "_zero_point").outputs(x + "_dequantized").build());
  }

  /** An int8 weight (values from a ramp in [-127, 127]) dequantized per output channel (axis 0). */
  private static void weight(Graph.Builder g, String w, long[] dims, float[] scales) {
    int n = 1;
    for (long d : dims) {
      n *= (int) d;
    }
    byte[] q = new byte[n];
    for (int i = 0; i < n; i++) {
      q[i] = (byte) ((i * 37) % 255 - 127);
    }
    int m = (int) dims[0];
    g.initializer(w + "_quantized", Tensor.of(DataType.INT8, dims, q));
    g.initializer(w + "_scale", Tensor.ofFloats(new long[] {m}, scales));
    g.initializer(w + "_zero_point", Tensor.of(DataType.INT8, new long[] {m}, new byte[m]));
    g.node(Node.builder("DequantizeLinear").name(w + "_DequantizeLinear")
        .inputs(w + "_quantized", w + "_scale", w + "_zero_point").outputs(w + "_dequantized")
        .attributes(Attributes.builder().set("axis", 0L).build()).build());
  }

  private static void bias(Graph.Builder g, String b, int[] q, float xScale, float[] wScales) {
    float[] s = new float[q.length];
    for (int i = 0; i < q.length; i++) {
      s[i] = xScale * wScales[i];
    }
    g.initializer(b + "_quantized", Tensor.ofInts(new long[] {q.length}, q));
    g.initializer(b + "_scale", Tensor.ofFloats(new long[] {q.length}, s));
    g.initializer(b + "_zero_point", Tensor.ofInts(new long[] {q.length}, new int[q.length]));
    g.node(Node.builder("DequantizeLinear").name(b + "_DequantizeLinear")
        .inputs(b + "_quantized", b + "_scale", b + "_zero_point").outputs(b + "_dequantized")
        .attributes(Attributes.builder().set("axis", 0L).build()).build());
  }

  static Map<String, Tensor> input() {
    float[] x = new float[32];
    for (int i = 0; i < x.length; i++) {
      x[i] = ((i * 5) % 13 - 6) * 0.37f;
    }
    return Map.of("data", Tensor.ofFloats(new long[] {1, 2, 4, 4}, x));
  }

  @Test
  void dumpIsExact() throws IOException {
    List<Path> files = new MnnExporter().write(qdq(), dir, "small", Options.NONE);
    assertEquals(golden("small-int8.txt"), MnnText.dump(Files.readAllBytes(files.get(0))));
  }

  @Test
  void readsBackAsQdqComputingTheSame() {
    List<Path> files = new MnnExporter().write(qdq(), dir, "small", Options.NONE);
    Model back = Mnn.importer().read(files.get(0), Options.NONE);
    String ops = back.graph().nodes().stream().map(Node::opType).reduce((a, b) -> a + " " + b).orElse("");
    // ConvertTensor (NCHW <-> NC4HW4 around the int8 convolutions) reads as Identity
    assertEquals("Identity QuantizeLinear DequantizeLinear DequantizeLinear DequantizeLinear Conv Relu QuantizeLinear "
        + "DequantizeLinear Identity DequantizeLinear DequantizeLinear Conv Relu QuantizeLinear DequantizeLinear "
        + "Identity GlobalAveragePool Flatten Transpose MatMul Add", ops, "int8 convolutions read back as the QDQ pattern");
    Tensor expected = Mnn.run(Mnn.INSPECTOR.inferShapes(qdq()), input()).get("logits");
    Tensor actual = Mnn.run(back, input()).get("logits");
    double err = ReferenceData.relativeError(actual, expected);
    assertTrue(err <= 1e-6, "relative max error " + err);
  }

  @Test
  void preflightAcceptsTheLoweredPatternAndListsOtherQuantizeLinear() {
    assertEquals(List.of(), new MnnExporter().check(qdq(), Options.NONE));
    // a QuantizeLinear whose int8 result is an output has no MNN form
    Graph g = qdq().graph().toBuilder()
        .initializer("s", Tensor.ofFloats(new long[0], 0.1f))
        .node(Node.builder("QuantizeLinear").name("alone").inputs("logits", "s").outputs("q").build())
        .outputs(List.of(ValueInfo.unknown("logits"), ValueInfo.unknown("q"))).build();
    List<Problem> problems = new MnnExporter().check(Model.of(g, qdq().opsets()), Options.NONE);
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.get(0).node().contains("alone"), problems.toString());
  }

  private static String golden(String name) throws IOException {
    try (InputStream in = MnnInt8WriterTest.class.getResourceAsStream("/golden/" + name)) {
      assertTrue(in != null, "golden file " + name + " is missing");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
