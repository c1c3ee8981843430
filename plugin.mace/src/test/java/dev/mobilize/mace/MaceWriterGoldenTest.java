package dev.mobilize.mace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.TextFormat;
import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.FusedOps;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.mace.proto.MaceNet;
import dev.mobilize.service.Options;
import dev.mobilize.service.Problem;
import dev.mobilize.testing.ReferenceData;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer on a tiny hand-built graph: exact NetDef text, round trip, pre-flight check. */
class MaceWriterGoldenTest {

  @TempDir
  Path dir;

  /** data → FusedConv(Relu6) → MaxPool → HardSwish → Mul(x, 2) → GlobalAveragePool → Flatten → Gemm → Softmax. */
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
        .node(Node.builder("HardSwish").name("hswish").inputs("p").outputs("h").build())
        .node(Node.builder("Mul").name("twice").inputs("h", "two").outputs("q").build())
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
  void netDefIsExact() throws Exception {
    List<Path> files = Mace.exporter().write(tiny(), dir, "tiny", Options.NONE);
    MaceNet.MultiNetDef net = MaceNet.MultiNetDef.parseFrom(Files.readAllBytes(files.get(0)));
    String text = TextFormat.printer().printToString(net);
    String golden;
    try (InputStream in = getClass().getResourceAsStream("tiny.pbtxt")) {
      golden = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertEquals(golden, text);
    assertEquals(Files.readString(files.get(2)), readResource("tiny.yml"));
  }

  private String readResource(String name) throws Exception {
    try (InputStream in = getClass().getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void roundTripComputesTheSame() {
    Model m = tiny();
    List<Path> files = Mace.exporter().write(m, dir, "tiny", Options.NONE);
    Model back = Mace.importer().read(files.get(0), Options.NONE);
    Tensor x = Tensor.ofFloats(new long[] {1, 1, 4, 4}, 0.1f, -0.2f, 0.3f, 0.4f, -0.5f, 0.6f, 0.7f, -0.8f, 0.9f, 1.0f,
        -1.1f, 1.2f, 1.3f, -1.4f, 1.5f, 1.6f);
    Tensor expected = Mace.run(Mace.INSPECTOR.inferShapes(m), Map.of("data", x)).get("prob");
    Tensor actual = Mace.run(back, Map.of("data", x)).get("prob");
    assertTrue(ReferenceData.relativeError(actual, expected) <= 1e-6, "relative error " + ReferenceData.relativeError(actual, expected));
  }

  /**
   * Values the writer adds (a fused HardSwish written as Conv2D, HARDSIGMOID and a product) carry
   * output shapes too: MACE sizes its buffers from them, and real MACE corrupted its heap
   * ("malloc_consolidate(): invalid chunk size") on ppocr_cls optimized without them.
   */
  @Test
  void everyOpHasItsOutputShapes() throws Exception {
    float[] w = new float[2 * 1 * 3 * 3];
    Graph g = Graph.builder("hswish")
        .input(new ValueInfo("data", DataType.FLOAT, Shape.of(1, 1, 4, 4)))
        .initializer("w", Tensor.ofFloats(new long[] {2, 1, 3, 3}, w))
        .node(Node.builder(FusedOps.FUSED_CONV).domain("mobilize").name("conv").inputs("data", "w").outputs("c")
            .attributes(Attributes.builder().ints("pads", 1, 1, 1, 1).set(FusedOps.ACTIVATION, "HardSwish").build())
            .build())
        .output(ValueInfo.unknown("c"))
        .build();
    List<Path> files = Mace.exporter().write(Model.of(g, Map.of("", 17L, "mobilize", 1L)), dir, "hswish",
        Options.NONE);
    MaceNet.NetDef net = MaceNet.MultiNetDef.parseFrom(Files.readAllBytes(files.get(0))).getNetDef(0);
    assertEquals(List.of("Conv2D", "Activation", "Eltwise"), net.getOpList().stream().map(o -> o.getType()).toList());
    for (MaceNet.OperatorDef op : net.getOpList()) {
      assertEquals(op.getOutputCount(), op.getOutputShapeCount(), op.getName() + " has no output shape");
      assertEquals(List.of(1L, 4L, 4L, 2L), op.getOutputShape(0).getDimsList(), op.getName() + " NHWC shape");
    }
  }

  @Test
  void preflightListsEveryNodeMaceCannotExpress() {
    Graph g = Graph.builder("bad")
        .input(new ValueInfo("x", DataType.FLOAT, Shape.of(1, 4, 4, 4)))
        .input(new ValueInfo("w", DataType.FLOAT, Shape.of(4, 4, 1, 1)))
        .node(Node.builder("Conv").name("computed_weight").inputs("x", "w").outputs("y").build())
        .node(Node.builder("Erf").name("erf").inputs("y").outputs("z").build())
        .output(ValueInfo.unknown("z"))
        .build();
    List<Problem> problems = Mace.exporter().check(Model.of(g, Map.of("", 17L)), Options.NONE);
    assertEquals(2, problems.size(), problems.toString());
    assertTrue(problems.get(0).toString().contains("the weight must be a constant"), problems.get(0).toString());
    assertTrue(problems.get(1).toString().contains("Erf"), problems.get(1).toString());
    assertTrue(Files.notExists(dir.resolve("bad.pb")));
  }
}
