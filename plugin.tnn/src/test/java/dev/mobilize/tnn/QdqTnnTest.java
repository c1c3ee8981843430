package dev.mobilize.tnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import dev.mobilize.testing.ReferenceData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A QDQ graph in the form of docs/QUANTIZATION.md (built by hand): its convolution is written as
 * TNN's QuantizedConvolution with BlobScale resources and computes what the QDQ graph computes; a
 * convolution outside the int8 pattern is written in float within the quantization error.
 */
class QdqTnnTest {

  @TempDir
  Path dir;

  /** x → Q/DQ → Conv(DQ(W_q), DQ(B_q)) → Relu → Q/DQ → y, per-channel weight scales. */
  static Model qdqConv() {
    int m = 3;
    int c = 2;
    byte[] wq = new byte[m * c * 9];
    for (int i = 0; i < wq.length; i++) {
      wq[i] = (byte) ((i * 37) % 255 - 127);
    }
    float xScale = 0.02f;
    float[] wScale = {0.004f, 0.006f, 0.003f};
    float[] bScale = new float[m];
    for (int i = 0; i < m; i++) {
      bScale[i] = xScale * wScale[i];
    }
    Graph g = Graph.builder("qdq")
        .input(new ValueInfo("x", DataType.FLOAT, Shape.of(1, c, 5, 5)))
        .initializer("x_scale", Tensor.scalar(xScale))
        .initializer("x_zero_point", Tensor.of(DataType.INT8, new long[0], new byte[] {0}))
        .initializer("w_quantized", Tensor.of(DataType.INT8, new long[] {m, c, 3, 3}, wq))
        .initializer("w_scale", Tensor.ofFloats(new long[] {m}, wScale))
        .initializer("w_zero_point", Tensor.of(DataType.INT8, new long[] {m}, new byte[m]))
        .initializer("b_quantized", Tensor.ofInts(new long[] {m}, 100, -250, 40))
        .initializer("b_scale", Tensor.ofFloats(new long[] {m}, bScale))
        .initializer("b_zero_point", Tensor.ofInts(new long[] {m}, 0, 0, 0))
        .initializer("y_scale", Tensor.scalar(0.05f))
        .initializer("y_zero_point", Tensor.of(DataType.INT8, new long[0], new byte[] {0}))
        .node(Node.builder("QuantizeLinear").name("x_q").inputs("x", "x_scale", "x_zero_point").outputs("x_quantized")
            .build())
        .node(Node.builder("DequantizeLinear").name("x_dq").inputs("x_quantized", "x_scale", "x_zero_point")
            .outputs("x_dequantized").build())
        .node(Node.builder("DequantizeLinear").name("w_dq").inputs("w_quantized", "w_scale", "w_zero_point")
            .outputs("w").attributes(Attributes.builder().set("axis", 0L).build()).build())
        .node(Node.builder("DequantizeLinear").name("b_dq").inputs("b_quantized", "b_scale", "b_zero_point")
            .outputs("b").attributes(Attributes.builder().set("axis", 0L).build()).build())
        .node(Node.builder("Conv").name("conv").inputs("x_dequantized", "w", "b").outputs("c")
            .attributes(Attributes.builder().ints("pads", 1, 1, 1, 1).build()).build())
        .node(Node.builder("Relu").name("relu").inputs("c").outputs("r").build())
        .node(Node.builder("QuantizeLinear").name("r_q").inputs("r", "y_scale", "y_zero_point").outputs("r_quantized")
            .build())
        .node(Node.builder("DequantizeLinear").name("r_dq").inputs("r_quantized", "y_scale", "y_zero_point")
            .outputs("y").build())
        .output(ValueInfo.unknown("y"))
        .build();
    return Model.of(g, Map.of("", 21L));
  }

  /** Adds DQ(W_q), DQ(B_q) of a conv with m outputs and weight dims wd, named after {@code p}. */
  static void weights(Graph.Builder g, String p, long[] wd, float xScale, float[] wScale, int[] bias) {
    int m = (int) wd[0];
    byte[] wq = new byte[(int) (wd[0] * wd[1] * wd[2] * wd[3])];
    for (int i = 0; i < wq.length; i++) {
      wq[i] = (byte) ((i * 53 + p.length() * 11) % 255 - 127);
    }
    float[] bScale = new float[m];
    for (int i = 0; i < m; i++) {
      bScale[i] = xScale * wScale[i];
    }
    Attributes axis0 = Attributes.builder().set("axis", 0L).build();
    g.initializer(p + "_w_quantized", Tensor.of(DataType.INT8, wd, wq))
        .initializer(p + "_w_scale", Tensor.ofFloats(new long[] {m}, wScale))
        .initializer(p + "_w_zero_point", Tensor.of(DataType.INT8, new long[] {m}, new byte[m]))
        .initializer(p + "_b_quantized", Tensor.ofInts(new long[] {m}, bias))
        .initializer(p + "_b_scale", Tensor.ofFloats(new long[] {m}, bScale))
        .initializer(p + "_b_zero_point", Tensor.ofInts(new long[] {m}, new int[m]))
        .node(Node.builder("DequantizeLinear").name(p + "_w_dq").inputs(p + "_w_quantized", p + "_w_scale",
            p + "_w_zero_point").outputs(p + "_w").attributes(axis0).build())
        .node(Node.builder("DequantizeLinear").name(p + "_b_dq").inputs(p + "_b_quantized", p + "_b_scale",
            p + "_b_zero_point").outputs(p + "_b").attributes(axis0).build());
  }

  /** Adds Q → DQ of {@code v} with a scalar scale. */
  static void qdq(Graph.Builder g, String v, float scale) {
    g.initializer(v + "_scale", Tensor.scalar(scale))
        .initializer(v + "_zero_point", Tensor.of(DataType.INT8, new long[0], new byte[] {0}))
        .node(Node.builder("QuantizeLinear").name(v + "_q").inputs(v, v + "_scale", v + "_zero_point")
            .outputs(v + "_quantized").build())
        .node(Node.builder("DequantizeLinear").name(v + "_dq").inputs(v + "_quantized", v + "_scale",
            v + "_zero_point").outputs(v + "_dequantized").build());
  }

  /**
   * Two int8 convolutions in a row sharing one Q/DQ pair: x → FusedConv(Clip 0..6, 2→4, stride 2)
   * → Q/DQ → depthwise Conv (group 4) → Relu → Q/DQ → y.
   */
  static Model qdqChain() {
    Graph.Builder g = Graph.builder("chain").input(new ValueInfo("x", DataType.FLOAT, Shape.of(1, 2, 9, 9)));
    qdq(g, "x", 0.02f);
    weights(g, "c1", new long[] {4, 2, 3, 3}, 0.02f, new float[] {0.004f, 0.005f, 0.003f, 0.006f},
        new int[] {500, -300, 0, 1200});
    g.node(Node.builder(FusedOps.FUSED_CONV).domain("mobilize").name("c1").inputs("x_dequantized", "c1_w", "c1_b")
        .outputs("a").attributes(Attributes.builder().ints("pads", 1, 1, 1, 1).ints("strides", 2, 2)
            .set(FusedOps.ACTIVATION, "Clip").floats(FusedOps.ACTIVATION_PARAMS, 0f, 6f).build()).build());
    qdq(g, "a", 0.03f);
    weights(g, "c2", new long[] {4, 1, 3, 3}, 0.03f, new float[] {0.01f, 0.008f, 0.012f, 0.009f},
        new int[] {-100, 200, 50, 0});
    g.node(Node.builder("Conv").name("c2").inputs("a_dequantized", "c2_w", "c2_b").outputs("c")
        .attributes(Attributes.builder().ints("pads", 1, 1, 1, 1).set("group", 4L).build()).build());
    g.node(Node.builder("Relu").name("relu").inputs("c").outputs("r").build());
    qdq(g, "r", 0.04f);
    g.node(Node.builder("Identity").name("out").inputs("r_dequantized").outputs("y").build());
    return Model.of(g.output(ValueInfo.unknown("y")).build(), Map.of("", 21L, "mobilize", 1L));
  }

  @Test
  void consecutiveInt8ConvolutionsShareTheirBlobScale() throws Exception {
    Model chain = qdqChain();
    List<Path> files = Tnn.exporter().write(chain, dir, "chain", Options.NONE);
    String proto = Files.readString(files.get(0));
    assertTrue(proto.contains("\"QuantizedConvolution c1 1 1 x a 1 2 4 3 3 2 2 1 1 1 -1 1 1 2 ,\"")
        && proto.contains("\"QuantizedConvolution c2 1 1 a r 4 4 4 3 3 1 1 1 1 1 -1 1 1 1 ,\""), proto);
    TnnNet net = TnnProto.read(proto);
    TnnModelFile.read(Files.readAllBytes(files.get(1)), net);
    assertEquals(Map.of("x", 0.02f, "a", 0.03f, "r", 0.04f), net.blobScales);
    float[] x = new float[162];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) Math.cos(i * 0.31) * 2.5f;
    }
    Map<String, Tensor> in = Map.of("x", Tensor.ofFloats(new long[] {1, 2, 9, 9}, x));
    Tensor expected = Tnn.run(chain, in).get("y");
    Tensor actual = Tnn.run(Tnn.importer().read(files.get(0), Options.NONE), in).get("y");
    assertTrue(ReferenceData.relativeError(actual, expected) < 1e-6,
        "relative max error " + ReferenceData.relativeError(actual, expected));
    dump("qdq_chain", files, in, expected);
  }

  static Map<String, Tensor> input() {
    float[] x = new float[50];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) Math.sin(i * 0.7) * 2f;
    }
    return Map.of("x", Tensor.ofFloats(new long[] {1, 2, 5, 5}, x));
  }

  @Test
  void qdqConvIsWrittenAsQuantizedConvolution() throws Exception {
    Model qdq = qdqConv();
    List<Path> files = Tnn.exporter().write(qdq, dir, "qdq", Options.NONE);
    String proto = Files.readString(files.get(0));
    assertTrue(proto.contains("\"QuantizedConvolution conv 1 1 x r 1 2 3 3 3 1 1 1 1 1 -1 1 1 1 ,\""), proto);
    TnnNet net = TnnProto.read(proto);
    TnnModelFile.read(Files.readAllBytes(files.get(1)), net);
    assertEquals(Map.of("x", 0.02f, "r", 0.05f), net.blobScales);
    TnnResource r = net.resources.get("conv");
    assertEquals(List.of(RawBuffer.INT8, RawBuffer.INT32, RawBuffer.INT8, RawBuffer.FLOAT),
        r.buffers().stream().map(RawBuffer::dataType).toList());
    // scale = W_scale · x_scale
    assertArrayEquals(new float[] {0.004f * 0.02f, 0.006f * 0.02f, 0.003f * 0.02f}, r.buffer(3).floats(), 1e-12f);
    Map<String, Tensor> in = input();
    Tensor expected = Tnn.run(qdq, in).get("y");
    Tensor actual = Tnn.run(Tnn.importer().read(files.get(0), Options.NONE), in).get("y");
    assertTrue(ReferenceData.relativeError(actual, expected) < 1e-6,
        "relative max error " + ReferenceData.relativeError(actual, expected));
    dump("qdq_conv", files, in, expected);
  }

  /** plugin.quant's compact form: the weight's and bias's DequantizeLinear have no zero point. */
  @Test
  void weightAndBiasWithoutZeroPointAreWrittenInInt8() throws Exception {
    Graph g = qdqConv().graph();
    Graph.Builder b = g.toBuilder().removeInitializer("w_zero_point").removeInitializer("b_zero_point");
    List<Node> nodes = new java.util.ArrayList<>();
    for (Node n : g.nodes()) {
      nodes.add(n.name().equals("w_dq") || n.name().equals("b_dq") ? n.toBuilder().inputs(n.inputs().subList(0, 2))
          .build() : n);
    }
    Model compact = Model.of(b.nodes(nodes).build(), Map.of("", 21L));
    List<Path> files = Tnn.exporter().write(compact, dir, "compact", Options.NONE);
    assertTrue(Files.readString(files.get(0)).contains("\"QuantizedConvolution conv "), "written in int8");
    Map<String, Tensor> in = input();
    Tensor actual = Tnn.run(Tnn.importer().read(files.get(0), Options.NONE), in).get("y");
    assertTrue(ReferenceData.relativeError(actual, Tnn.run(qdqConv(), in).get("y")) < 1e-6);
  }

  @Test
  void convOutsideThePatternIsWrittenInFloatWithinTheQuantizationError() throws Exception {
    Graph g = qdqConv().graph();
    // no Q/DQ after the activation: TNN's int8 convolution would have no output scale
    Graph floatOut = g.toBuilder().nodes(g.nodes().subList(0, 6)).outputs(List.of(ValueInfo.unknown("r"))).build();
    Model model = Model.of(floatOut, Map.of("", 21L));
    List<Path> files = Tnn.exporter().write(model, dir, "qdq_float", Options.NONE);
    String proto = Files.readString(files.get(0));
    assertTrue(proto.contains("\"Convolution conv ") && !proto.contains("Quantized"), proto);
    Map<String, Tensor> in = input();
    Tensor expected = Tnn.run(model, in).get("r");
    Tensor actual = Tnn.run(Tnn.importer().read(files.get(0), Options.NONE), in).get("r");
    double err = ReferenceData.relativeError(actual, expected);
    // the input rounded to the int8 grid (x_scale 0.02) against float: a few steps
    assertTrue(err > 0 && err < 0.05, "relative max error " + err);
  }

  /** With system property mobilize.tnn.dump: the files, input and expected output for real TNN. */
  static void dump(String name, List<Path> files, Map<String, Tensor> in, Tensor expected) throws Exception {
    String dump = System.getProperty("mobilize.tnn.dump");
    if (dump == null) {
      return;
    }
    Path d = Files.createDirectories(Path.of(dump).resolve(name));
    for (Path f : files) {
      Files.copy(f, d.resolve(name + f.getFileName().toString().substring(f.getFileName().toString().indexOf('.'))),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    for (Map.Entry<String, Tensor> e : in.entrySet()) {
      Files.write(d.resolve("in_" + e.getKey() + ".raw"), OpGraphsTnnTest.raw(e.getValue()));
    }
    Files.write(d.resolve("expected.raw"), OpGraphsTnnTest.raw(expected));
  }
}
