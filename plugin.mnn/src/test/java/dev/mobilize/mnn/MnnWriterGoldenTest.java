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
 * The writer on a small hand-built graph: the text dump of the FlatBuffer equals the golden file
 * (src/test/resources/golden/*.txt; regenerating them is a reviewed step), the file reads back and
 * computes what the graph computes, and the pre-flight check lists every node MNN cannot express.
 */
class MnnWriterGoldenTest {

  @TempDir
  Path dir;

  /**
   * data → FusedConv(HardSwish) → depthwise FusedConv(Relu6) → BatchNormalization → Slice(channels 1..3)
   * → HardSigmoid → GlobalAveragePool → Reshape → Gemm → Softmax.
   */
  static Model small() {
    Graph g = Graph.builder("small")
        .input(new ValueInfo("data", DataType.FLOAT, Shape.of(1, 2, 4, 4)))
        .initializer("w1", Tensor.ofFloats(new long[] {4, 2, 3, 3}, ramp(72, 0.05f)))
        .initializer("b1", Tensor.ofFloats(new long[] {4}, 0.1f, -0.2f, 0.3f, 0f))
        .initializer("w2", Tensor.ofFloats(new long[] {4, 1, 3, 3}, ramp(36, 0.1f)))
        .initializer("b2", Tensor.ofFloats(new long[] {4}, 0f, 0.5f, 1f, -1f))
        .initializer("gamma", Tensor.ofFloats(new long[] {4}, 1f, 2f, 0.5f, 1f))
        .initializer("beta", Tensor.ofFloats(new long[] {4}, 0f, 1f, -1f, 0.25f))
        .initializer("mean", Tensor.ofFloats(new long[] {4}, 0.5f, 0f, 1f, 2f))
        .initializer("var", Tensor.ofFloats(new long[] {4}, 1f, 4f, 0.25f, 1f))
        .initializer("starts", Tensor.ofLongs(new long[] {1}, 1))
        .initializer("ends", Tensor.ofLongs(new long[] {1}, 3))
        .initializer("axes", Tensor.ofLongs(new long[] {1}, 1))
        .initializer("shape", Tensor.ofLongs(new long[] {2}, 1, 2))
        .initializer("fc", Tensor.ofFloats(new long[] {3, 2}, 1f, -2f, 3f, 0.5f, -1f, 2f))
        .initializer("fcb", Tensor.ofFloats(new long[] {3}, 0f, 0.1f, -0.1f))
        .node(Node.builder(FusedOps.FUSED_CONV).domain("mobilize").name("conv").inputs("data", "w1", "b1")
            .outputs("c1").attributes(Attributes.builder().ints("pads", 1, 1, 1, 1)
                .set(FusedOps.ACTIVATION, "HardSwish").build()).build())
        .node(Node.builder(FusedOps.FUSED_CONV).domain("mobilize").name("dw").inputs("c1", "w2", "b2")
            .outputs("c2").attributes(Attributes.builder().ints("pads", 1, 1, 1, 1).set("group", 4L)
                .set(FusedOps.ACTIVATION, "Clip").floats(FusedOps.ACTIVATION_PARAMS, 0f, 6f).build()).build())
        .node(Node.builder("BatchNormalization").name("bn").inputs("c2", "gamma", "beta", "mean", "var")
            .outputs("c3").build())
        .node(Node.builder("Slice").name("half").inputs("c3", "starts", "ends", "axes").outputs("s").build())
        .node(Node.builder("HardSigmoid").name("gate").inputs("s").outputs("h").build())
        .node(Node.builder("GlobalAveragePool").name("gap").inputs("h").outputs("p").build())
        .node(Node.builder("Reshape").name("flat").inputs("p", "shape").outputs("f").build())
        .node(Node.builder("Gemm").name("fc").inputs("f", "fc", "fcb").outputs("logits")
            .attributes(Attributes.builder().set("transB", 1L).build()).build())
        .node(Node.builder("Softmax").name("prob").inputs("logits").outputs("prob")
            .attributes(Attributes.builder().set("axis", 1L).build()).build())
        .output(ValueInfo.unknown("prob"))
        .build();
    return Model.of(g, Map.of("", 17L, "mobilize", 1L));
  }

  private static float[] ramp(int n, float step) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = ((i * 7) % 11 - 5) * step;
    }
    return v;
  }

  @Test
  void dumpIsExact() throws IOException {
    assertEquals(golden("small.txt"), dump(Options.NONE));
  }

  @Test
  void halfDumpIsExact() throws IOException {
    assertEquals(golden("small-fp16.txt"), dump(Options.of(Map.of("fp16", "true"))));
  }

  private String dump(Options options) throws IOException {
    List<Path> files = new MnnExporter().write(small(), dir, "small", options);
    assertEquals(List.of(dir.resolve("small.mnn")), files);
    return MnnText.dump(Files.readAllBytes(files.get(0)));
  }

  private static String golden(String name) throws IOException {
    try (InputStream in = MnnWriterGoldenTest.class.getResourceAsStream("/golden/" + name)) {
      assertTrue(in != null, "golden file " + name + " is missing");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void roundTripComputesTheSame() {
    for (Options options : List.of(Options.NONE, Options.of(Map.of("fp16", "true")))) {
      List<Path> files = new MnnExporter().write(small(), dir, "small", options);
      Model back = Mnn.importer().read(files.get(0), Options.NONE);
      float[] x = new float[32];
      for (int i = 0; i < x.length; i++) {
        x[i] = (i % 9 - 4) * 0.5f;
      }
      Map<String, Tensor> in = Map.of("data", Tensor.ofFloats(new long[] {1, 2, 4, 4}, x));
      Tensor expected = Mnn.run(Mnn.INSPECTOR.inferShapes(small()), in).get("prob");
      Tensor actual = Mnn.run(back, in).get("prob");
      double err = ReferenceData.relativeError(actual, expected);
      double tolerance = options.getBoolean("fp16", false) ? 1e-2 : 1e-6;
      assertTrue(err <= tolerance, options + ": relative max error " + err);
    }
  }

  @Test
  void preflightListsEveryUnsupportedNode() {
    Graph g = small().graph().toBuilder()
        .node(Node.builder("Erf").name("e1").inputs("prob").outputs("e").build())
        .node(Node.builder(FusedOps.FUSED_CONV).domain("mobilize").name("mish").inputs("data", "w1")
            .outputs("m").attributes(Attributes.builder().set(FusedOps.ACTIVATION, "Mish").build()).build())
        .outputs(List.of(ValueInfo.unknown("e"), ValueInfo.unknown("m"))).build();
    List<Problem> problems = new MnnExporter().check(Model.of(g, Map.of("", 17L, "mobilize", 1L)), Options.NONE);
    assertEquals(2, problems.size(), problems.toString());
    assertTrue(problems.get(0).node().contains("e1") && problems.get(1).node().contains("mish"), problems.toString());
    assertTrue(problems.get(1).message().contains("Mish"), problems.toString());
  }
}
