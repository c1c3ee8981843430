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
import dev.mobilize.testing.SharedData;
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
 * QDQ graphs (docs/QUANTIZATION.md, made by {@link QdqFixture}) exported as ncnn int8 layers the
 * way ncnn2int8 writes them, read back and run against the CPU runtime on the QDQ graph.
 */
class NcnnInt8ExportTest {

  @TempDir
  Path dir;

  /** x → FusedConv(Relu) → depthwise FusedConv(Clip) → split: Conv, and Add(·, Conv) → GAP → Flatten → Gemm. */
  static Model smallFloat() {
    Graph g = Graph.builder("small")
        .input(new ValueInfo("data", DataType.FLOAT, Shape.of(1, 3, 8, 8)))
        .initializer("w1", NcnnLayersRoundTripTest.ramp(new long[] {4, 3, 3, 3}, 0.3f))
        .initializer("b1", NcnnLayersRoundTripTest.ramp(new long[] {4}, 0.1f))
        .initializer("w2", NcnnLayersRoundTripTest.ramp(new long[] {4, 1, 3, 3}, 0.5f))
        .initializer("w3", NcnnLayersRoundTripTest.ramp(new long[] {4, 4, 1, 1}, 0.4f))
        .initializer("fc", NcnnLayersRoundTripTest.ramp(new long[] {5, 4}, 0.6f))
        .initializer("fcb", NcnnLayersRoundTripTest.ramp(new long[] {5}, 0.2f))
        .node(Node.builder(FusedOps.FUSED_CONV).domain("mobilize").name("conv1").inputs("data", "w1", "b1").outputs("c1")
            .attributes(Attributes.builder().ints("pads", 1, 1, 1, 1).set(FusedOps.ACTIVATION, "Relu").build()).build())
        .node(Node.builder(FusedOps.FUSED_CONV).domain("mobilize").name("dw").inputs("c1", "w2").outputs("c2")
            .attributes(Attributes.builder().ints("pads", 1, 1, 1, 1).set("group", 4L).set(FusedOps.ACTIVATION, "Clip")
                .floats(FusedOps.ACTIVATION_PARAMS, 0f, 6f).build()).build())
        .node(Node.builder("Conv").name("conv3").inputs("c2", "w3").outputs("c3").build())
        .node(Node.builder("Add").name("add").inputs("c2", "c3").outputs("s").build())
        .node(Node.builder("GlobalAveragePool").name("gap").inputs("s").outputs("g").build())
        .node(Node.builder("Flatten").name("flat").inputs("g").outputs("f").build())
        .node(Node.builder("Gemm").name("fc").inputs("f", "fc", "fcb").outputs("prob")
            .attributes(Attributes.builder().set("transB", 1L).build()).build())
        .output(new ValueInfo("prob", DataType.FLOAT, Shape.of(1, 5)))
        .build();
    return Model.of(g, Map.of("", 21L, "mobilize", 1L));
  }

  static Tensor input() {
    return NcnnLayersRoundTripTest.ramp(new long[] {1, 3, 8, 8}, 1f);
  }

  @Test
  void smallQdqGraphIsWrittenAsNcnn2int8WritesIt() throws IOException {
    Model qdq = QdqFixture.quantize(smallFloat(), Map.of("data", input()), false);
    Ncnn.exporter().write(qdq, dir, "small", Options.NONE);
    String actual = Files.readString(dir.resolve("small.param"));
    String expected = golden("small_int8.param");
    if (!actual.equals(expected)) {
      Path review = Path.of("target", "golden-actual", "small_int8.param");
      Files.createDirectories(review.getParent());
      Files.writeString(review, actual);
    }
    assertEquals(expected, actual);
    // weights: conv1 int8 (4 tag + 108 bytes) + bias 16 + scales 16 + in 4 + out 4 (requantized for dw);
    // dw 4 + 36 + scales 16 + in 4 (its split feeds conv3 and Add: no requantize); conv3 4 + 16 + 16 + 4;
    // fc 4 + 20 + bias 20 + scales 20 + in 4
    assertEquals(4 + 108 + 16 + 16 + 4 + 4 + 4 + 36 + 16 + 4 + 4 + 16 + 16 + 4 + 4 + 20 + 20 + 20 + 4,
        Files.size(dir.resolve("small.bin")));
  }

  @Test
  void smallQdqGraphRoundTripsCloseToTheRuntime() {
    Model qdq = QdqFixture.quantize(smallFloat(), Map.of("data", input()), false);
    Tensor expected = Ncnn.run(qdq, Map.of("data", input())).get("prob");
    Tensor floatResult = Ncnn.run(smallFloat(), Map.of("data", input())).get("prob");
    Ncnn.exporter().write(qdq, dir, "small", Options.NONE);
    Model back = Ncnn.importer().read(dir.resolve("small.param"), Options.NONE);
    Tensor actual = Ncnn.run(back, Map.of("data", input())).get("prob");
    double cos = ReferenceData.cosine(actual, expected);
    assertTrue(cos > 0.999, "cosine to the QDQ graph " + cos);
    assertTrue(ReferenceData.cosine(expected, floatResult) > 0.99, "the fixture quantizes sensibly");
    dump("small_int8", dir, "small", Map.of("data", input()), expected);
  }

  @Test
  void mobilenetV2QdqMatchesNcnnsOwnInt8Structure() throws IOException {
    Path models = SharedData.dir("models").resolve("mobilenet_v2");
    Path refParam = SharedData.dir("reference/ncnn").resolve("mobilenet_v2_int8").resolve("model.param");
    Model m = Ncnn.INSPECTOR.inferShapes(new dev.mobilize.onnx.OnnxImporter().read(models.resolve("model.onnx"),
        Options.NONE));
    Map<String, Tensor> in = ReferenceData.read(models.resolve("test_data_set_0"), "input_", List.of("input"));
    Model qdq = QdqFixture.quantize(m, in, true);
    Tensor expected = Ncnn.run(qdq, in).get("output");
    Ncnn.exporter().write(qdq, dir, "mbv2", Options.NONE);
    Model back = Ncnn.importer().read(dir.resolve("mbv2.param"), Options.NONE);
    Tensor actual = Ncnn.run(back, in).get("output");
    double cos = ReferenceData.cosine(actual, expected);
    System.out.printf("mobilenet_v2 QDQ: re-imported ncnn int8 vs runtime cosine %.6f%n", cos);
    assertTrue(cos > 0.99, "cosine of the re-imported int8 ncnn model to the QDQ graph " + cos);
    // the same layers with the same int8_scale_term as ncnn's own ncnn2int8 output
    assertEquals(int8Terms(Files.readString(refParam)), int8Terms(Files.readString(dir.resolve("mbv2.param"))));
    dump("mobilenet_v2_int8", dir, "mbv2", in, expected);
    String dump = System.getProperty("ncnn.dump");
    if (dump != null) {
      // the same quantization as a plain ONNX QDQ model, for 'convert --to ncnn' outside CI
      new dev.mobilize.onnx.OnnxExporter().write(QdqFixture.quantize(m, in, false), Path.of(dump), "mobilenet_v2_qdq",
          Options.NONE);
    }
  }

  /** Layer type and 8= (int8_scale_term) of each layer, in order. */
  private static List<String> int8Terms(String param) {
    return param.lines().skip(2).map(l -> {
      String[] f = l.trim().split("\\s+");
      String term = java.util.Arrays.stream(f).filter(x -> x.startsWith("8=")).findFirst().orElse("");
      return f[0] + " " + term;
    }).toList();
  }

  private static void dump(String name, Path from, String base, Map<String, Tensor> in, Tensor expected) {
    String dump = System.getProperty("ncnn.dump");
    if (dump == null) {
      return;
    }
    try {
      Path d = Path.of(dump, name);
      Files.createDirectories(d);
      for (String f : List.of(".param", ".bin")) {
        Files.copy(from.resolve(base + f), d.resolve(base + f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      Map.Entry<String, Tensor> e = in.entrySet().iterator().next();
      OnnxTensors.writeFile(d.resolve("input_0.pb"), e.getKey(), e.getValue());
      OnnxTensors.writeFile(d.resolve("output_0.pb"), name.startsWith("small") ? "prob" : "output", expected);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String golden(String name) throws IOException {
    try (InputStream in = NcnnInt8ExportTest.class.getResourceAsStream(name)) {
      return in == null ? "(golden file " + name + " is missing)" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
