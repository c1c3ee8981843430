package dev.mobilize.ncnn;

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
import dev.mobilize.onnx.OnnxTensors;
import dev.mobilize.service.Options;
import dev.mobilize.testing.ReferenceData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One small graph per ncnn layer family: the CPU runtime on the IR graph against the CPU runtime on
 * the exported and re-imported ncnn files. With {@code -Dncnn.dump=DIR} each case also leaves its
 * ncnn files, input and expected output ({@code input_0.pb}, {@code output_0.pb}) in
 * {@code DIR/<case>/}, to run them in real ncnn outside CI.
 */
class NcnnLayersRoundTripTest {

  @TempDir
  Path dir;

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("deconv_outpad", one(Shape.of(1, 4, 5, 5), Shape.of(1, 3, 10, 10),
            Node.builder("ConvTranspose").inputs("x", "w34", "b3").outputs("y").attributes(Attributes.builder()
                .ints("strides", 2, 2).ints("pads", 1, 1, 1, 1).ints("output_padding", 1, 1).build()).build())),
        Arguments.of("deconv_dw_leaky", one(Shape.of(1, 4, 5, 5), Shape.of(1, 4, 11, 11),
            Node.builder(FusedOps.FUSED_CONV_TRANSPOSE).domain("mobilize").inputs("x", "w42", "b4").outputs("y")
                .attributes(Attributes.builder().ints("strides", 2, 2).set("group", 2L)
                    .set(FusedOps.ACTIVATION, "LeakyRelu").floats(FusedOps.ACTIVATION_PARAMS, 0.1f).build()).build())),
        Arguments.of("deconv_same_upper", one(Shape.of(1, 4, 5, 5), Shape.of(1, 3, 10, 10),
            Node.builder(FusedOps.FUSED_CONV_TRANSPOSE).domain("mobilize").inputs("x", "w34").outputs("y")
                .attributes(Attributes.builder().ints("strides", 2, 2).set("auto_pad", "SAME_UPPER")
                    .set(FusedOps.ACTIVATION, "Relu").build()).build())),
        Arguments.of("resize_nearest_x2", one(Shape.of(1, 3, 4, 5), Shape.of(1, 3, 8, 10),
            Node.builder("Resize").inputs("x", "", "scale2").outputs("y").attributes(Attributes.builder()
                .set("mode", "nearest").set("coordinate_transformation_mode", "asymmetric")
                .set("nearest_mode", "floor").build()).build())),
        Arguments.of("resize_bilinear_sizes", one(Shape.of(1, 3, 5, 7), Shape.of(1, 3, 9, 12),
            Node.builder("Resize").inputs("x", "", "", "size912").outputs("y").attributes(Attributes.builder()
                .set("mode", "linear").build()).build())),
        Arguments.of("resize_bilinear_align", one(Shape.of(1, 3, 4, 5), Shape.of(1, 3, 8, 10),
            Node.builder("Resize").inputs("x", "", "scale2").outputs("y").attributes(Attributes.builder()
                .set("mode", "linear").set("coordinate_transformation_mode", "align_corners").build()).build())),
        Arguments.of("resize_bicubic_sizes", one(Shape.of(1, 3, 5, 7), Shape.of(1, 3, 9, 12),
            Node.builder("Resize").inputs("x", "", "", "size912").outputs("y").attributes(Attributes.builder()
                .set("mode", "cubic").build()).build())),
        Arguments.of("resize_bicubic_align", one(Shape.of(1, 3, 4, 5), Shape.of(1, 3, 8, 10),
            Node.builder("Resize").inputs("x", "", "scale2").outputs("y").attributes(Attributes.builder()
                .set("mode", "cubic").set("coordinate_transformation_mode", "align_corners").build()).build())),
        Arguments.of("pad_constant", one(Shape.of(1, 3, 4, 5), Shape.of(1, 6, 7, 8),
            Node.builder("Pad").inputs("x", "pads", "half").outputs("y").build())),
        Arguments.of("pad_reflect", one(Shape.of(1, 3, 4, 5), Shape.of(1, 3, 7, 8),
            Node.builder("Pad").inputs("x", "pads_hw").outputs("y")
                .attributes(Attributes.builder().set("mode", "reflect").build()).build())),
        Arguments.of("pad_edge", one(Shape.of(1, 3, 4, 5), Shape.of(1, 3, 7, 8),
            Node.builder("Pad").inputs("x", "pads_hw").outputs("y")
                .attributes(Attributes.builder().set("mode", "edge").build()).build())),
        Arguments.of("layernorm_rows", one(Shape.of(1, 6, 8), Shape.of(1, 6, 8),
            Node.builder("LayerNormalization").inputs("x", "g8", "b8").outputs("y")
                .attributes(Attributes.builder().set("axis", -1L).set("epsilon", 1e-5f).build()).build())),
        Arguments.of("layernorm_channels", one(Shape.of(1, 3, 4, 5), Shape.of(1, 3, 4, 5),
            Node.builder("LayerNormalization").inputs("x", "g45", "b45").outputs("y")
                .attributes(Attributes.builder().set("axis", 2L).build()).build())),
        Arguments.of("groupnorm_pattern", groupNorm()),
        Arguments.of("gelu", one(Shape.of(1, 3, 4, 5), Shape.of(1, 3, 4, 5),
            Node.builder("Gelu").inputs("x").outputs("y").build())),
        Arguments.of("gelu_tanh", one(Shape.of(1, 3, 4, 5), Shape.of(1, 3, 4, 5),
            Node.builder("Gelu").inputs("x").outputs("y").attributes(Attributes.builder()
                .set("approximate", "tanh").build()).build())),
        Arguments.of("erf", one(Shape.of(1, 3, 4, 5), Shape.of(1, 3, 4, 5),
            Node.builder("Erf").inputs("x").outputs("y").build())),
        Arguments.of("softplus", one(Shape.of(1, 3, 4, 5), Shape.of(1, 3, 4, 5),
            Node.builder("Softplus").inputs("x").outputs("y").build())),
        Arguments.of("selu", one(Shape.of(1, 3, 4, 5), Shape.of(1, 3, 4, 5),
            Node.builder("Selu").inputs("x").outputs("y").build())),
        Arguments.of("depth_to_space_dcr", one(Shape.of(1, 8, 3, 4), Shape.of(1, 2, 6, 8),
            Node.builder("DepthToSpace").inputs("x").outputs("y").attributes(Attributes.builder()
                .set("blocksize", 2L).build()).build())),
        Arguments.of("depth_to_space_crd", one(Shape.of(1, 8, 3, 4), Shape.of(1, 2, 6, 8),
            Node.builder("DepthToSpace").inputs("x").outputs("y").attributes(Attributes.builder()
                .set("blocksize", 2L).set("mode", "CRD").build()).build())),
        Arguments.of("lrn", one(Shape.of(1, 6, 4, 5), Shape.of(1, 6, 4, 5),
            Node.builder("LRN").inputs("x").outputs("y").attributes(Attributes.builder()
                .set("size", 3L).set("alpha", 0.5f).set("beta", 0.75f).set("bias", 2f).build()).build())));
  }

  /** The .param text of every case, each after a {@code # name} line: the golden file layers.param.txt. */
  @Test
  void paramTextOfEveryCaseIsTheGoldenFile() throws Exception {
    StringBuilder all = new StringBuilder();
    for (Arguments a : cases().toList()) {
      String name = (String) a.get()[0];
      Ncnn.exporter().write((Model) a.get()[1], dir, name, Options.NONE);
      all.append("# ").append(name).append('\n').append(Files.readString(dir.resolve(name + ".param")));
    }
    String actual = all.toString();
    String expected;
    try (java.io.InputStream in = getClass().getResourceAsStream("layers.param.txt")) {
      expected = in == null ? "(golden file layers.param.txt is missing)" : new String(in.readAllBytes(),
          java.nio.charset.StandardCharsets.UTF_8);
    }
    if (!actual.equals(expected)) {
      // for review: regenerating a golden file is a reviewed step
      Path review = Path.of("target", "golden-actual", "layers.param.txt");
      Files.createDirectories(review.getParent());
      Files.writeString(review, actual);
    }
    assertEquals(expected, actual);
  }

  /** PyTorch's GroupNorm(2 groups, 4 channels) export: Reshape, InstanceNormalization, Reshape, Mul, Add. */
  static Model groupNorm() {
    Graph g = Graph.builder("case")
        .input(new ValueInfo("x", DataType.FLOAT, Shape.of(1, 4, 3, 5)))
        .initializer("grouped", Tensor.vector(1, 2, -1))
        .initializer("ones", Tensor.ofFloats(new long[] {2}, 1f, 1f))
        .initializer("zeros", Tensor.ofFloats(new long[] {2}, 0f, 0f))
        .initializer("back", Tensor.vector(1, 4, 3, 5))
        .initializer("gamma", ramp(new long[] {4, 1, 1}, 0.9f))
        .initializer("beta", ramp(new long[] {4, 1, 1}, 0.4f))
        .node(Node.builder("Reshape").name("r1").inputs("x", "grouped").outputs("a").build())
        .node(Node.builder("InstanceNormalization").name("in").inputs("a", "ones", "zeros").outputs("b")
            .attributes(Attributes.builder().set("epsilon", 1e-5f).build()).build())
        .node(Node.builder("Reshape").name("r2").inputs("b", "back").outputs("c").build())
        .node(Node.builder("Mul").name("mul").inputs("c", "gamma").outputs("d").build())
        .node(Node.builder("Add").name("op").inputs("d", "beta").outputs("y").build())
        .output(new ValueInfo("y", DataType.FLOAT, Shape.of(1, 4, 3, 5)))
        .build();
    return Model.of(g, Map.of("", 21L));
  }

  /** A graph {@code x → node → y} with every constant the cases use. */
  static Model one(Shape in, Shape out, Node node) {
    Graph.Builder g = Graph.builder("case")
        .input(new ValueInfo("x", DataType.FLOAT, in))
        .initializer("w34", ramp(new long[] {4, 3, 3, 3}, 0.11f))
        .initializer("w42", ramp(new long[] {4, 2, 3, 3}, 0.07f))
        .initializer("b3", ramp(new long[] {3}, 0.5f))
        .initializer("b4", ramp(new long[] {4}, 0.3f))
        .initializer("scale2", Tensor.ofFloats(new long[] {4}, 1f, 1f, 2f, 2f))
        .initializer("size912", Tensor.vector(1, 3, 9, 12))
        .initializer("pads", Tensor.vector(0, 1, 2, 1, 0, 2, 1, 2))
        .initializer("pads_hw", Tensor.vector(0, 0, 1, 2, 0, 0, 2, 1))
        .initializer("half", Tensor.scalar(0.5f))
        .initializer("g8", ramp(new long[] {8}, 0.9f))
        .initializer("b8", ramp(new long[] {8}, 0.2f))
        .initializer("g45", ramp(new long[] {4, 5}, 0.8f))
        .initializer("b45", ramp(new long[] {4, 5}, 0.1f))
        .node(node.toBuilder().name("op").build())
        .output(new ValueInfo("y", DataType.FLOAT, out));
    Graph built = g.build();
    // keep only the constants the node reads
    Graph.Builder used = Graph.builder("case").input(built.inputs().get(0)).node(built.nodes().get(0))
        .output(built.outputs().get(0));
    for (String i : node.inputs()) {
      built.initializer(i).ifPresent(t -> used.initializer(i, t));
    }
    return Model.of(used.build(), Map.of("", 21L, "mobilize", 1L));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void exportedLayersComputeWhatTheGraphComputes(String name, Model m) throws Exception {
    long[] dims = m.graph().inputs().get(0).shape().toArray();
    Tensor x = ramp(dims, 1f);
    Tensor expected = Ncnn.run(m, Map.of("x", x)).get("y");
    Ncnn.exporter().write(m, dir, name, Options.NONE);
    Model back = Ncnn.importer().read(dir.resolve(name + ".param"), Options.NONE);
    Tensor actual = Ncnn.run(back, Map.of("x", x)).get("y");
    assertTrue(java.util.Arrays.equals(expected.dims(), actual.dims()),
        name + ": shape " + actual.shape() + ", expected " + expected.shape());
    double err = ReferenceData.relativeError(actual, expected);
    assertTrue(err < 1e-5, name + ": max rel err " + err);
    String dump = System.getProperty("ncnn.dump");
    if (dump != null) {
      Path d = Path.of(dump, name);
      Files.createDirectories(d);
      for (String f : List.of(".param", ".bin")) {
        Files.copy(dir.resolve(name + f), d.resolve(name + f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      OnnxTensors.writeFile(d.resolve("input_0.pb"), "x", x);
      OnnxTensors.writeFile(d.resolve("output_0.pb"), "y", expected);
    }
  }

  /** Deterministic values {@code ((i * 7) % 23 - 11) / 11 * scale} of the given shape. */
  static Tensor ramp(long[] dims, float scale) {
    int n = 1;
    for (long d : dims) {
      n *= (int) d;
    }
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = ((i * 7) % 23 - 11) / 11f * scale;
    }
    return Tensor.ofFloats(dims, v);
  }
}
