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

/** The writer on small hand-built graphs: exact .param text (golden files), round trip, pre-flight check. */
class NcnnWriterGoldenTest {

  @TempDir
  Path dir;

  /** x → FusedConv(Relu6) → split: MaxPool (ceil) and Add(x', scalar) → Concat → GlobalAveragePool → Gemm → Softmax. */
  static Model smallCnn() {
    float[] w = new float[4 * 3 * 3 * 3];
    for (int i = 0; i < w.length; i++) {
      w[i] = (i % 7 - 3) * 0.1f;
    }
    float[] fc = new float[8 * 5];
    for (int i = 0; i < fc.length; i++) {
      fc[i] = (i % 5 - 2) * 0.25f;
    }
    Graph g = Graph.builder("small")
        .input(new ValueInfo("data", DataType.FLOAT, Shape.of(1, 3, 8, 8)))
        .initializer("w", Tensor.ofFloats(new long[] {4, 3, 3, 3}, w))
        .initializer("b", Tensor.ofFloats(new long[] {4}, 0.5f, -0.5f, 0.25f, 0f))
        .initializer("two", Tensor.scalar(2f))
        .initializer("fc", Tensor.ofFloats(new long[] {5, 8}, fc))
        .initializer("fcb", Tensor.ofFloats(new long[] {5}, 1f, 2f, 3f, 4f, 5f))
        .node(Node.builder(FusedOps.FUSED_CONV).domain("mobilize").name("conv").inputs("data", "w", "b").outputs("c")
            .attributes(Attributes.builder().ints("pads", 1, 1, 1, 1).set(FusedOps.ACTIVATION, "Clip")
                .floats(FusedOps.ACTIVATION_PARAMS, 0f, 6f).build()).build())
        .node(Node.builder("MaxPool").name("pool").inputs("c").outputs("p")
            .attributes(Attributes.builder().ints("kernel_shape", 3, 3).ints("strides", 2, 2).set("ceil_mode", 1L)
                .build()).build())
        .node(Node.builder("AveragePool").name("avg").inputs("c").outputs("q")
            .attributes(Attributes.builder().ints("kernel_shape", 2, 2).ints("strides", 2, 2).build()).build())
        .node(Node.builder("Mul").name("twice").inputs("q", "two").outputs("q2").build())
        .node(Node.builder("Concat").name("cat").inputs("p", "q2").outputs("cat")
            .attributes(Attributes.builder().set("axis", 1L).build()).build())
        .node(Node.builder("GlobalAveragePool").name("gap").inputs("cat").outputs("g").build())
        .node(Node.builder("Flatten").name("flat").inputs("g").outputs("f").build())
        .node(Node.builder("Gemm").name("fc").inputs("f", "fc", "fcb").outputs("logits")
            .attributes(Attributes.builder().set("transB", 1L).build()).build())
        .node(Node.builder("Softmax").name("prob").inputs("logits").outputs("prob")
            .attributes(Attributes.builder().set("axis", 1L).build()).build())
        .output(new ValueInfo("prob", DataType.FLOAT, Shape.of(1, 5)))
        .build();
    return Model.of(g, Map.of("", 21L, "mobilize", 1L));
  }

  @Test
  void smallCnnParamTextIsTheGoldenFile() throws IOException {
    List<Path> files = Ncnn.exporter().write(smallCnn(), dir, "small", Options.NONE);
    String actual = Files.readString(dir.resolve("small.param"));
    String expected = golden("small_cnn.param");
    if (!actual.equals(expected)) {
      // for review: regenerating a golden file is a reviewed step
      Path review = Path.of("target", "golden-actual", "small_cnn.param");
      Files.createDirectories(review.getParent());
      Files.writeString(review, actual);
    }
    assertEquals(expected, actual);
    assertEquals(List.of(dir.resolve("small.param"), dir.resolve("small.bin")), files);
  }

  @Test
  void smallCnnRoundTripsThroughTheImporter() {
    Model m = smallCnn();
    Ncnn.exporter().write(m, dir, "small", Options.of(Map.of("param-bin", "true")));
    Tensor x = Tensor.ofFloats(new long[] {1, 3, 8, 8}, ramp(192));
    Tensor expected = Ncnn.run(m, Map.of("data", x)).get("prob");
    for (String f : List.of("small.param", "small.param.bin")) {
      Model back = Ncnn.importer().read(dir.resolve(f), Options.NONE);
      String out = back.graph().outputs().get(0).name();
      Tensor actual = Ncnn.run(back, Map.of(f.endsWith(".bin") ? "blob0" : "data", x)).get(out);
      assertTrue(ReferenceData.relativeError(actual, expected) < 1e-6, f + ": " + ReferenceData.relativeError(actual, expected));
    }
  }

  @Test
  void embedWritesNcnn2memHeaders() throws IOException {
    Ncnn.exporter().write(smallCnn(), dir, "small", Options.of(Map.of("embed", "true")));
    String id = Files.readString(dir.resolve("small.id.h"));
    assertTrue(id.startsWith("#ifndef NCNN_INCLUDE_GUARD_small_id_h\n#define NCNN_INCLUDE_GUARD_small_id_h\n"
        + "namespace small_param_id {\nconst int LAYER_data = 0;\nconst int BLOB_data = 0;\n"), id);
    String mem = Files.readString(dir.resolve("small.mem.h"));
    assertTrue(mem.contains("static const unsigned char small_param_bin[] = {\n0xdd,0x85,0x76,0x00,"), mem);
    assertTrue(mem.contains("static const unsigned char small_bin[] = {"));
  }

  @Test
  void checkListsEveryNodeNcnnCannotExpress() {
    Graph g = Graph.builder("bad")
        .input(new ValueInfo("x", DataType.FLOAT, Shape.of(1, 4, 2, 2)))
        .node(Node.builder("GridSample").name("gs").inputs("x", "x").outputs("a").build())
        .node(Node.builder("Transpose").name("t").inputs("x").outputs("b")
            .attributes(Attributes.builder().ints("perm", 1, 0, 2, 3).build()).build())
        .output(new ValueInfo("a", DataType.FLOAT, Shape.UNKNOWN))
        .output(new ValueInfo("b", DataType.FLOAT, Shape.UNKNOWN))
        .build();
    List<Problem> problems = Ncnn.exporter().check(Model.of(g, Map.of("", 21L)), Options.NONE);
    assertEquals(2, problems.size(), problems.toString());
    assertTrue(problems.get(0).toString().contains("'gs' (GridSample)"), problems.toString());
    assertTrue(problems.get(1).toString().contains("batch axis"), problems.toString());
  }

  @Test
  void floatsRoundTripThroughNcnnsParser() {
    for (float f : new float[] {0f, 6f, 1f / 6, 1e-5f, -3.4028235e38f, 0.1f, 123456.78f}) {
      assertEquals(f, ParamText.parseFloat(ParamText.formatFloat(f)), ParamText.formatFloat(f));
      assertTrue(ParamText.formatFloat(f).length() <= 15);
    }
  }

  private static float[] ramp(int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (i % 13 - 6) * 0.3f;
    }
    return a;
  }

  private static String golden(String name) throws IOException {
    try (InputStream in = NcnnWriterGoldenTest.class.getResourceAsStream(name)) {
      if (in == null) {
        return "(golden file " + name + " is missing)";
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
