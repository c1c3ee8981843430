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
import dev.mobilize.service.Problem;
import dev.mobilize.testing.ReferenceData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer on a tiny hand-built graph: exact .tnnproto text, round trip, pre-flight check. */
class TnnWriterGoldenTest {

  @TempDir
  Path dir;

  /** data → FusedConv(Relu6) → MaxPool → Mul(x, 2) → GlobalAveragePool → Flatten → Gemm → Softmax. */
  static Model tiny() {
    float[] w = new float[2 * 1 * 3 * 3];
    for (int i = 0; i < w.length; i++) {
      w[i] = (i % 5 - 2) * 0.25f;
    }
    Graph g = Graph.builder("tiny")
        .input(new ValueInfo("data", DataType.FLOAT, Shape.of(1, 1, 4, 4)))
        .initializer("w", Tensor.ofFloats(new long[] {2, 1, 3, 3}, w))
        .initializer("b", Tensor.ofFloats(new long[] {2}, 0.5f, -0.5f))
        .initializer("two", Tensor.scalar(2f))
        .initializer("fc", Tensor.ofFloats(new long[] {3, 2}, 1f, 2f, 3f, 4f, 5f, 6f))
        .node(Node.builder(FusedOps.FUSED_CONV).domain("mobilize").name("conv").inputs("data", "w", "b").outputs("c")
            .attributes(Attributes.builder().ints("pads", 1, 1, 1, 1).set(FusedOps.ACTIVATION, "Clip")
                .floats(FusedOps.ACTIVATION_PARAMS, 0f, 6f).build()).build())
        .node(Node.builder("MaxPool").name("pool").inputs("c").outputs("p")
            .attributes(Attributes.builder().ints("kernel_shape", 2, 2).ints("strides", 2, 2).build()).build())
        .node(Node.builder("Mul").name("twice").inputs("p", "two").outputs("q").build())
        .node(Node.builder("GlobalAveragePool").name("gap").inputs("q").outputs("g").build())
        .node(Node.builder("Flatten").name("flat").inputs("g").outputs("f").build())
        .node(Node.builder("Gemm").name("fc").inputs("f", "fc").outputs("logits")
            .attributes(Attributes.builder().set("transB", 1L).build()).build())
        .node(Node.builder("Softmax").name("prob").inputs("logits").outputs("prob")
            .attributes(Attributes.builder().set("axis", 1L).build()).build())
        .output(ValueInfo.unknown("prob"))
        .build();
    return Model.of(g, Map.of("", 17L, "mobilize", 1L));
  }

  @Test
  void tnnprotoIsExact() throws Exception {
    List<Path> files = Tnn.exporter().write(tiny(), dir, "tiny", Options.NONE);
    String expected = """
        "1 8 1 4206624772 ,"
        "data 4 1 1 4 4 0 ,"
        " c data f g logits p prob q ,"
        "prob ,"
        " 7 ,"
        "Convolution conv 1 1 data c 1 1 2 3 3 1 1 1 1 1 -1 1 1 2 ,"
        "Pooling pool 1 1 c p 0 2 2 2 2 0 0 -1 -1 -1 0 0 0 0 ,"
        "Mul twice 1 1 p q 1 ,"
        "Pooling gap 1 1 q g 1 0 0 1 1 0 0 -1 -1 -1 0 0 -1 -1 ,"
        "Flatten flat 1 1 g f 1 ,"
        "InnerProduct fc 1 1 f logits 3 0 0 1 ,"
        "Softmax prob_1 1 1 logits prob 1 ,"
        """;
    assertEquals(expected, Files.readString(files.get(0)));
    assertTrue(files.get(1).getFileName().toString().endsWith(".tnnmodel"));
  }

  @Test
  void roundTripComputesTheSame() {
    List<Path> files = Tnn.exporter().write(tiny(), dir, "tiny", Options.NONE);
    Model back = Tnn.importer().read(files.get(0), Options.NONE);
    float[] x = new float[16];
    for (int i = 0; i < x.length; i++) {
      x[i] = (i % 7 - 3) * 0.5f;
    }
    Map<String, Tensor> in = Map.of("data", Tensor.ofFloats(new long[] {1, 1, 4, 4}, x));
    Tensor expected = Tnn.run(tiny(), in).get("prob");
    Tensor actual = Tnn.run(back, in).get("prob");
    assertTrue(ReferenceData.relativeError(actual, expected) <= 1e-6);
  }

  @Test
  void preflightListsEveryUnsupportedNode() {
    Graph g = tiny().graph().toBuilder()
        .node(Node.builder("Sin").name("e1").inputs("prob").outputs("e").build())
        .node(Node.builder("GridSample").name("gs").inputs("e", "e").outputs("y").build())
        .outputs(List.of(ValueInfo.unknown("y"))).build();
    List<Problem> problems = Tnn.exporter().check(Model.of(g, Map.of("", 17L, "mobilize", 1L)), Options.NONE);
    assertEquals(2, problems.size(), problems.toString());
    assertTrue(problems.get(0).node().contains("e1") && problems.get(1).node().contains("gs"), problems.toString());
  }
}
