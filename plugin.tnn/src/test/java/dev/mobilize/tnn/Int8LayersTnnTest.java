package dev.mobilize.tnn;

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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The extended QDQ form (every output quantized; pooling, Add, Relu, Concat in the QDQ style) written
 * as TNN's int8 models are: every layer Quantized (but average pooling, see {@link Int8Ops}), BlobScale
 * resources for every int8 blob; golden .tnnproto and resource dump, and a round trip that computes
 * what the QDQ graph computes.
 */
class Int8LayersTnnTest {

  @TempDir
  Path dir;

  /**
   * x → FusedConv(Relu) → MaxPool → Conv, Add(pool, conv) → Relu → Concat(relu, pool) →
   * GlobalAveragePool → Flatten → Gemm → Relu → y, a Q/DQ pair on every value (pooling and Relu keep
   * their input's scale).
   */
  static Model graph() {
    Graph.Builder g = Graph.builder("int8").input(new ValueInfo("x", DataType.FLOAT, Shape.of(1, 4, 6, 6)));
    QdqTnnTest.qdq(g, "x", 0.02f);
    QdqTnnTest.weights(g, "c1", new long[] {4, 4, 3, 3}, 0.02f, new float[] {0.004f, 0.005f, 0.003f, 0.006f},
        new int[] {500, -300, 0, 1200});
    Attributes pads = Attributes.builder().ints("pads", 1, 1, 1, 1).build();
    g.node(Node.builder(FusedOps.FUSED_CONV).domain("mobilize").name("c1").inputs("x_dequantized", "c1_w", "c1_b")
        .outputs("a").attributes(pads.toBuilder().set(FusedOps.ACTIVATION, "Relu").build()).build());
    QdqTnnTest.qdq(g, "a", 0.03f);
    g.node(Node.builder("MaxPool").name("pool").inputs("a_dequantized").outputs("p")
        .attributes(Attributes.builder().ints("kernel_shape", 2, 2).ints("strides", 2, 2).build()).build());
    QdqTnnTest.qdq(g, "p", 0.03f);
    QdqTnnTest.weights(g, "c2", new long[] {4, 4, 3, 3}, 0.03f, new float[] {0.002f, 0.003f, 0.004f, 0.002f},
        new int[] {-100, 200, 50, 0});
    g.node(Node.builder("Conv").name("c2").inputs("p_dequantized", "c2_w", "c2_b").outputs("b").attributes(pads)
        .build());
    QdqTnnTest.qdq(g, "b", 0.05f);
    g.node(Node.builder("Add").name("add").inputs("p_dequantized", "b_dequantized").outputs("s").build());
    QdqTnnTest.qdq(g, "s", 0.0613f);
    g.node(Node.builder("Relu").name("relu").inputs("s_dequantized").outputs("r").build());
    QdqTnnTest.qdq(g, "r", 0.0613f);
    g.node(Node.builder("Concat").name("cat").inputs("r_dequantized", "p_dequantized").outputs("k")
        .attributes(Attributes.builder().set("axis", 1L).build()).build());
    QdqTnnTest.qdq(g, "k", 0.0613f);
    g.node(Node.builder("GlobalAveragePool").name("gap").inputs("k_dequantized").outputs("m").build());
    QdqTnnTest.qdq(g, "m", 0.0613f);
    g.node(Node.builder("Flatten").name("flat").inputs("m_dequantized").outputs("f").build());
    QdqTnnTest.qdq(g, "f", 0.0613f);
    byte[] w = new byte[3 * 8];
    for (int i = 0; i < w.length; i++) {
      w[i] = (byte) ((i * 29) % 255 - 127);
    }
    float[] wScale = {0.01f, 0.02f, 0.015f};
    float[] bScale = new float[3];
    for (int i = 0; i < 3; i++) {
      bScale[i] = 0.0613f * wScale[i];
    }
    Attributes axis0 = Attributes.builder().set("axis", 0L).build();
    g.initializer("fc_w_quantized", Tensor.of(DataType.INT8, new long[] {3, 8}, w))
        .initializer("fc_w_scale", Tensor.ofFloats(new long[] {3}, wScale))
        .initializer("fc_w_zero_point", Tensor.of(DataType.INT8, new long[] {3}, new byte[3]))
        .initializer("fc_b_quantized", Tensor.ofInts(new long[] {3}, 10000, 3000, 5000))
        .initializer("fc_b_scale", Tensor.ofFloats(new long[] {3}, bScale))
        .initializer("fc_b_zero_point", Tensor.ofInts(new long[] {3}, new int[3]))
        .node(Node.builder("DequantizeLinear").name("fc_w_dq").inputs("fc_w_quantized", "fc_w_scale",
            "fc_w_zero_point").outputs("fc_w").attributes(axis0).build())
        .node(Node.builder("DequantizeLinear").name("fc_b_dq").inputs("fc_b_quantized", "fc_b_scale",
            "fc_b_zero_point").outputs("fc_b").attributes(axis0).build())
        .node(Node.builder("Gemm").name("fc").inputs("f_dequantized", "fc_w", "fc_b").outputs("l")
            .attributes(Attributes.builder().set("transB", 1L).build()).build())
        .node(Node.builder("Relu").name("fc_relu").inputs("l").outputs("lr").build());
    QdqTnnTest.qdq(g, "lr", 0.1f);
    g.node(Node.builder("Identity").name("out").inputs("lr_dequantized").outputs("y").build());
    return Model.of(g.output(ValueInfo.unknown("y")).build(), Map.of("", 21L, "mobilize", 1L));
  }

  static Map<String, Tensor> input() {
    float[] x = new float[144];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) Math.sin(i * 0.37) * 2f;
    }
    return Map.of("x", Tensor.ofFloats(new long[] {1, 4, 6, 6}, x));
  }

  @Test
  void everyLayerIsInt8AsInTnnsOwnModels() throws Exception {
    List<Path> files = Tnn.exporter().write(graph(), dir, "int8", Options.NONE);
    String expected = """
        "1 12 1 4206624772 ,"
        "x 4 1 4 6 6 0 ,"
        " a b f k lr lr_fc m p r s x y ,"
        "y ,"
        " 11 ,"
        "QuantizedConvolution c1 1 1 x a 1 4 4 3 3 1 1 1 1 1 -1 1 1 1 ,"
        "QuantizedPooling pool 1 1 a p 0 2 2 2 2 0 0 -1 -1 -1 0 0 0 0 ,"
        "QuantizedConvolution c2 1 1 p b 1 4 4 3 3 1 1 1 1 1 -1 1 1 0 ,"
        "QuantizedAdd add 2 1 p b s -1 ,"
        "QuantizedReLU relu 1 1 s r ,"
        "QuantizedConcat cat 2 1 r p k 1 ,"
        "Pooling gap 1 1 k m 1 0 0 1 1 0 0 -1 -1 -1 0 0 -1 -1 ,"
        "Flatten flat 1 1 m f 1 ,"
        "QuantizedInnerProduct fc 1 1 f lr_fc 3 1 0 1 ,"
        "QuantizedReLU fc_1 1 1 lr_fc lr ,"
        "Reshape out 1 1 lr y 0 2 2 1 3 0 ,"
        """;
    assertEquals(expected, Files.readString(files.get(0)));
    TnnNet net = TnnProto.read(Files.readString(files.get(0)));
    TnnModelFile.read(Files.readAllBytes(files.get(1)), net);
    // the weight scales are W_scale·x_scale; pooling and ReLU keep their input blob's scale
    String resources = """
        c1 QuantizedConvolution:i8[4,4,3,3] i32[4]=[500,-300,0,1200] i8[4] f32[4]=[8.0000005E-5,1.0E-4,6.0E-5,1.2E-4]
        c2 QuantizedConvolution:i8[4,4,3,3] i32[4]=[-100,200,50,0] i8[4] f32[4]=[6.0000002E-5,9.0E-5,1.20000004E-4,6.0000002E-5]
        fc QuantizedInnerProduct:i8[3,8] i32[3]=[10000,3000,5000] i8[3] f32[3]=[6.1299995E-4,0.0012259999,9.1949996E-4]
        scale x 0.02
        scale a 0.03
        scale p 0.03
        scale b 0.05
        scale s 0.0613
        scale r 0.0613
        scale k 0.0613
        scale f 0.0613
        scale lr_fc 0.1
        scale lr 0.1
        """;
    assertEquals(resources, dump(net));
  }

  @Test
  void roundTripComputesWhatTheQdqGraphComputes() throws Exception {
    Model qdq = graph();
    List<Path> files = Tnn.exporter().write(qdq, dir, "int8", Options.NONE);
    Map<String, Tensor> in = input();
    Tensor expected = Tnn.run(qdq, in).get("y");
    Model back = Tnn.importer().read(files.get(0), Options.NONE);
    Tensor actual = Tnn.run(back, in).get("y");
    float[] y = expected.toFloatArray();
    assertTrue(y[0] != 0 || y[1] != 0 || y[2] != 0, "a non-trivial output: " + Arrays.toString(y));
    assertEquals(0, ReferenceData.relativeError(actual, expected), 1e-6, "relative max error");
    long quantizeNodes = back.graph().nodes().stream().filter(n -> n.opType().equals("QuantizeLinear")).count();
    assertTrue(quantizeNodes >= 10, "the importer reads every int8 layer back as QDQ: " + quantizeNodes);
    QdqTnnTest.dump("int8_layers", files, in, expected);
  }

  /**
   * x → Q/DQ → 3×3 Conv h → Q/DQ → 1×1 Conv c → Q/DQ → Add(h, c) → Q/DQ → y (the residual of an
   * inverted bottleneck); {@code fused}: the Add reads the 1×1 conv's float output.
   */
  static Model convAdd(boolean fused) {
    Graph.Builder g = Graph.builder("convadd").input(new ValueInfo("x", DataType.FLOAT, Shape.of(1, 4, 5, 5)));
    QdqTnnTest.qdq(g, "x", 0.0217f);
    QdqTnnTest.weights(g, "h", new long[] {4, 4, 3, 3}, 0.0217f, new float[] {0.0031f, 0.0042f, 0.0023f, 0.0051f},
        new int[] {400, -200, 300, 100});
    g.node(Node.builder("Conv").name("h").inputs("x_dequantized", "h_w", "h_b").outputs("h")
        .attributes(Attributes.builder().ints("pads", 1, 1, 1, 1).build()).build());
    QdqTnnTest.qdq(g, "h", 0.0311f);
    QdqTnnTest.weights(g, "c", new long[] {4, 4, 1, 1}, 0.0311f, new float[] {0.0041f, 0.0052f, 0.0033f, 0.0061f},
        new int[] {900, -700, 300, 0});
    g.node(Node.builder("Conv").name("c").inputs("h_dequantized", "c_w", "c_b").outputs("c").build());
    if (!fused) {
      QdqTnnTest.qdq(g, "c", 0.0377f);
    }
    g.node(Node.builder("Add").name("add").inputs("h_dequantized", fused ? "c" : "c_dequantized").outputs("s").build());
    QdqTnnTest.qdq(g, "s", 0.0419f);
    g.node(Node.builder("Identity").name("out").inputs("s_dequantized").outputs("y").build());
    return Model.of(g.output(ValueInfo.unknown("y")).build(), Map.of("", 21L));
  }

  /**
   * TNN fuses a 1×1 int8 convolution into a QuantizedAdd right after it and never quantizes the
   * convolution's output. The exporter keeps such an Add float (so TNN computes the QDQ graph); the
   * importer reads a fused pair of TNN's own models the way TNN runs it.
   */
  @Test
  void aOneByOneConvolutionBeforeAnAddIsNotFusedByTnn() throws Exception {
    Model qdq = convAdd(false);
    List<Path> files = Tnn.exporter().write(qdq, dir, "convadd", Options.NONE);
    String proto = Files.readString(files.get(0));
    assertTrue(proto.contains("\"QuantizedConvolution c_1 ") && proto.contains("\"Add add 2 1 h c s -1 ,\""), proto);
    float[] x = new float[100];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) Math.cos(i * 0.53) * 2f;
    }
    Map<String, Tensor> in = Map.of("x", Tensor.ofFloats(new long[] {1, 4, 5, 5}, x));
    Tensor expected = Tnn.run(qdq, in).get("y");
    // the float Add's output reaches the graph output unquantized in TNN (its Q/DQ pair is no layer): within a step
    float[] back = Tnn.run(Tnn.importer().read(files.get(0), Options.NONE), in).get("y").toFloatArray();
    float[] want = expected.toFloatArray();
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], back[i], 0.0419f / 2 + 1e-5f, "at " + i);
    }
    QdqTnnTest.dump("conv_add", files, in, expected);

    // the same pair as a TNN int8 model has it: QuantizedAdd after the 1×1 QuantizedConvolution
    TnnNet net = TnnProto.read(proto.replace("\"Add add ", "\"QuantizedAdd add "));
    TnnModelFile.read(Files.readAllBytes(files.get(1)), net);
    net.blobScales.put("s", 0.0419f);
    assertEquals(java.util.Set.of("c"), Int8Readers.fusedIntoAdd(net));
    float[] fused = Tnn.run(Tnn.importer().toModel(net, Map.of()), in).get("y").toFloatArray();
    float[] wantFused = Tnn.run(convAdd(true), in).get("y").toFloatArray();
    // the convolution's float result is summed in another order than the reference's: a near-tie may round apart
    int apart = 0;
    for (int i = 0; i < wantFused.length; i++) {
      assertEquals(wantFused[i], fused[i], 0.0419f + 1e-5f, "at " + i);
      apart += wantFused[i] != fused[i] ? 1 : 0;
    }
    assertTrue(apart <= 2, apart + " of 100 values a step apart");
  }

  /** Resources in file order (type, buffers as dtype[dims]), then the blob scales in file order. */
  static String dump(TnnNet net) {
    StringBuilder b = new StringBuilder();
    net.resources.forEach((name, r) -> b.append(name).append(' ').append(r.type()).append(':').append(r.buffers()
        .stream().map(Int8LayersTnnTest::describe).collect(Collectors.joining(" "))).append('\n'));
    net.blobScales.forEach((blob, s) -> b.append("scale ").append(blob).append(' ').append(s).append('\n'));
    return b.toString();
  }

  private static String describe(RawBuffer r) {
    String type = switch (r.dataType()) {
      case RawBuffer.FLOAT -> "f32";
      case RawBuffer.INT8 -> "i8";
      case RawBuffer.INT32 -> "i32";
      default -> "t" + r.dataType();
    };
    String s = type + Arrays.toString(r.dims()).replace(" ", "");
    if (r.dataType() == RawBuffer.FLOAT && r.count() <= 4) {
      s += "=" + Arrays.toString(r.floats()).replace(" ", "");
    }
    if (r.dataType() == RawBuffer.INT32 && r.count() <= 4) {
      s += "=" + Arrays.toString(ints(r)).replace(" ", "");
    }
    return s;
  }

  private static int[] ints(RawBuffer r) {
    java.nio.IntBuffer ib = java.nio.ByteBuffer.wrap(r.bytes()).order(java.nio.ByteOrder.LITTLE_ENDIAN).asIntBuffer();
    int[] v = new int[ib.remaining()];
    ib.get(v);
    return v;
  }
}
