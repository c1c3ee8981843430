package dev.mobilize.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.MobilizeException;
import dev.mobilize.service.Options;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The executor's contract on hand-built graphs: results, input checks, unsupported ops, symbolic dims. */
class CpuGraphExecutorTest {

  private static Model model(Graph g) {
    return Model.of(g, Map.of("", 21L));
  }

  private static Tensor run(Graph g, Map<String, Tensor> in) {
    try (CpuPreparedModel p = new CpuGraphExecutor().prepare(model(g), Options.of(Map.of("threads", "2")))) {
      return p.run(in).values().iterator().next();
    }
  }

  @Test
  void profileRecordsEveryNodeOfTheLastRunOnlyWhenAsked() {
    Graph g = Graph.builder("g")
        .input(new ValueInfo("x", DataType.FLOAT, Shape.of(2, 3)))
        .initializer("b", Tensor.ofFloats(new long[] {3}, 10f, 20f, 30f))
        .node(Node.builder("Relu").name("relu").inputs("x").outputs("r").build())
        .node(Node.builder("Add").name("add").inputs("r", "b").outputs("y").build())
        .output(new ValueInfo("y", DataType.FLOAT, Shape.of(2, 3)))
        .build();
    Map<String, Tensor> in = Map.of("x", Tensor.ofFloats(new long[] {2, 3}, -1, 2, -3, 4, -5, 6));
    try (CpuPreparedModel p = new CpuGraphExecutor().prepare(model(g), Options.of(Map.of("profile", "true")))) {
      p.run(in);
      p.run(in);
      assertEquals(java.util.List.of("relu:Relu", "add:Add"),
          p.lastProfile().stream().map(t -> t.node() + ":" + t.opType()).toList(), "one entry per node, last run only");
      assertTrue(p.lastProfile().stream().allMatch(t -> t.nanos() >= 0));
    }
    try (CpuPreparedModel p = new CpuGraphExecutor().prepare(model(g), Options.NONE)) {
      p.run(in);
      assertTrue(p.lastProfile().isEmpty());
    }
  }

  @Test
  void reluAddBroadcastHandComputed() {
    Graph g = Graph.builder("g")
        .input(new ValueInfo("x", DataType.FLOAT, Shape.of(2, 3)))
        .initializer("b", Tensor.ofFloats(new long[] {3}, 10f, 20f, 30f))
        .node(Node.builder("Relu").inputs("x").outputs("r").build())
        .node(Node.builder("Add").inputs("r", "b").outputs("y").build())
        .output(new ValueInfo("y", DataType.FLOAT, Shape.of(2, 3)))
        .build();
    Tensor y = run(g, Map.of("x", Tensor.ofFloats(new long[] {2, 3}, -1, 2, -3, 4, -5, 6)));
    assertArrayEquals(new float[] {10, 22, 30, 14, 20, 36}, y.toFloatArray());
  }

  @Test
  void convHandComputedWithFusedRelu() {
    // 1x1x3x3 input, 2x2 kernel of ones, bias -10: sums of 2x2 windows minus 10, then Relu
    Graph g = Graph.builder("g")
        .input(new ValueInfo("x", DataType.FLOAT, Shape.of(1, 1, 3, 3)))
        .initializer("w", Tensor.ofFloats(new long[] {1, 1, 2, 2}, 1, 1, 1, 1))
        .initializer("b", Tensor.ofFloats(new long[] {1}, -10))
        .node(Node.builder("Conv").inputs("x", "w", "b").outputs("c").build())
        .node(Node.builder("Relu").inputs("c").outputs("y").build())
        .output(new ValueInfo("y", DataType.FLOAT, Shape.of(1, 1, 2, 2)))
        .build();
    Tensor y = run(g, Map.of("x", Tensor.ofFloats(new long[] {1, 1, 3, 3}, 1, 2, 3, 4, 5, 6, 7, 8, 9)));
    assertArrayEquals(new float[] {2, 6, 14, 18}, y.toFloatArray()); // 12-10, 16-10, 24-10, 28-10
  }

  @Test
  void convAddReluHandComputedWithResidualInEitherOperandAndBroadcast() {
    // 1x1 conv, 2 channels to 2: y[o] = w[o][0] x[0] + w[o][1] x[1] + b[o], then + r, then Relu
    // x = [[1, 2], [3, 4]] (2 channels of 1x2), w = [[1, 1], [1, -1]], b = [0, 1]
    // conv = [[4, 6], [-1, -1]]
    float[] conv = {4, 6, -1, -1};
    float[] rFull = {1, -10, 2, 0.5f};
    float[] rChannel = {-5, 3}; // [1,2,1,1], broadcast over the pixels: not fused into the GEMM epilogue
    for (boolean convFirst : new boolean[] {true, false}) {
      for (boolean broadcast : new boolean[] {false, true}) {
        Tensor r = broadcast ? Tensor.ofFloats(new long[] {1, 2, 1, 1}, rChannel)
            : Tensor.ofFloats(new long[] {1, 2, 1, 2}, rFull);
        Graph g = Graph.builder("g")
            .input(new ValueInfo("x", DataType.FLOAT, Shape.of(1, 2, 1, 2)))
            .input(new ValueInfo("r", DataType.FLOAT, broadcast ? Shape.of(1, 2, 1, 1) : Shape.of(1, 2, 1, 2)))
            .initializer("w", Tensor.ofFloats(new long[] {2, 2, 1, 1}, 1, 1, 1, -1))
            .initializer("b", Tensor.ofFloats(new long[] {2}, 0, 1))
            .node(Node.builder("Conv").inputs("x", "w", "b").outputs("c").build())
            .node(Node.builder("Add").inputs(convFirst ? "c" : "r", convFirst ? "r" : "c").outputs("s").build())
            .node(Node.builder("Relu").inputs("s").outputs("y").build())
            .output(new ValueInfo("y", DataType.FLOAT, Shape.of(1, 2, 1, 2)))
            .build();
        Tensor y = run(g, Map.of("x", Tensor.ofFloats(new long[] {1, 2, 1, 2}, 1, 2, 3, 4), "r", r));
        float[] expected = new float[4];
        for (int i = 0; i < 4; i++) {
          expected[i] = Math.max(0, conv[i] + (broadcast ? rChannel[i / 2] : rFull[i]));
        }
        assertArrayEquals(expected, y.toFloatArray(), "conv first " + convFirst + ", broadcast " + broadcast);
      }
    }
  }

  @Test
  void reportsAllUnsupportedOpsAtOnce() {
    Graph g = Graph.builder("g")
        .input(new ValueInfo("x", DataType.FLOAT, Shape.of(1)))
        .node(Node.builder("FancyOp").name("a").inputs("x").outputs("y1").build())
        .node(Node.builder("OtherOp").name("b").inputs("y1").outputs("y").build())
        .output(new ValueInfo("y", DataType.FLOAT, Shape.of(1)))
        .build();
    MobilizeException e = assertThrows(MobilizeException.class,
        () -> new CpuGraphExecutor().prepare(model(g), Options.NONE));
    assertEquals(ErrorCode.UNSUPPORTED_OP, e.code());
    assertEquals(2, e.problems().size());
    assertTrue(e.getMessage().contains("'a' (FancyOp)") && e.getMessage().contains("'b' (OtherOp)"), e.getMessage());
  }

  @Test
  void checksInputs() {
    Graph g = Graph.builder("g")
        .input(new ValueInfo("x", DataType.FLOAT, Shape.parse("batch,3")))
        .node(Node.builder("Relu").inputs("x").outputs("y").build())
        .output(new ValueInfo("y", DataType.FLOAT, Shape.UNKNOWN))
        .build();
    try (CpuPreparedModel p = new CpuGraphExecutor().prepare(model(g), Options.NONE)) {
      MobilizeException missing = assertThrows(MobilizeException.class, () -> p.run(Map.of()));
      assertTrue(missing.getMessage().contains("missing input 'x', expected f32[batch,3]"), missing.getMessage());
      MobilizeException type = assertThrows(MobilizeException.class,
          () -> p.run(Map.of("x", Tensor.ofLongs(new long[] {1, 3}, 1, 2, 3))));
      assertTrue(type.getMessage().contains("input 'x' has dtype INT64, expected FLOAT"), type.getMessage());
      MobilizeException shape = assertThrows(MobilizeException.class,
          () -> p.run(Map.of("x", Tensor.ofFloats(new long[] {2, 4}, new float[8]))));
      assertTrue(shape.getMessage().contains("input 'x' has shape [2,4], expected [batch,3]"), shape.getMessage());
      // symbolic batch: any size runs
      assertArrayEquals(new long[] {5, 3}, p.run(Map.of("x", Tensor.ofFloats(new long[] {5, 3}, new float[15])))
          .get("y").dims());
    }
  }

  @Test
  void kernelErrorsNameTheNode() {
    Graph g = Graph.builder("g")
        .input(new ValueInfo("a", DataType.FLOAT, Shape.UNKNOWN))
        .input(new ValueInfo("b", DataType.FLOAT, Shape.UNKNOWN))
        .node(Node.builder("Add").name("add1").inputs("a", "b").outputs("y").build())
        .output(new ValueInfo("y", DataType.FLOAT, Shape.UNKNOWN))
        .build();
    MobilizeException e = assertThrows(MobilizeException.class, () -> run(g,
        Map.of("a", Tensor.ofFloats(new long[] {2}, 1, 2), "b", Tensor.ofFloats(new long[] {3}, 1, 2, 3))));
    assertTrue(e.getMessage().contains("'add1' (Add)") && e.getMessage().contains("[2] and [3]"), e.getMessage());
  }

  @Test
  void float16ComputedInFloat32AndRounded() {
    Graph g = Graph.builder("g")
        .input(new ValueInfo("x", DataType.FLOAT16, Shape.of(2)))
        .node(Node.builder("Mul").inputs("x", "x").outputs("y").build())
        .output(new ValueInfo("y", DataType.FLOAT16, Shape.of(2)))
        .build();
    Tensor y = run(g, Map.of("x", Tensor.ofHalfs(new long[] {2}, 1.5f, -3f)));
    assertEquals(DataType.FLOAT16, y.type());
    assertArrayEquals(new float[] {2.25f, 9f}, y.toFloatArray());
  }

  @Test
  void reshapeSliceConcatHandComputed() {
    Graph g = Graph.builder("g")
        .input(new ValueInfo("x", DataType.FLOAT, Shape.of(6)))
        .initializer("shape", Tensor.vector(2, -1))
        .initializer("starts", Tensor.vector(1))
        .initializer("ends", Tensor.vector(3))
        .initializer("axes", Tensor.vector(1))
        .node(Node.builder("Reshape").inputs("x", "shape").outputs("r").build())
        .node(Node.builder("Slice").inputs("r", "starts", "ends", "axes").outputs("s").build())
        .node(Node.builder("Concat").inputs("s", "r").outputs("y")
            .attributes(Attributes.builder().set("axis", 1L).build()).build())
        .output(new ValueInfo("y", DataType.FLOAT, Shape.of(2, 5)))
        .build();
    Tensor y = run(g, Map.of("x", Tensor.ofFloats(new long[] {6}, 0, 1, 2, 3, 4, 5)));
    assertArrayEquals(new long[] {2, 5}, y.dims());
    assertArrayEquals(new float[] {1, 2, 0, 1, 2, 4, 5, 3, 4, 5}, y.toFloatArray());
  }

  @Test
  void buffersAreReusedAcrossRuns() {
    Graph.Builder b = Graph.builder("chain").input(new ValueInfo("v0", DataType.FLOAT, Shape.of(1000)));
    for (int i = 0; i < 10; i++) {
      b.node(Node.builder("Relu").inputs("v" + i).outputs("v" + (i + 1)).build());
    }
    Graph g = b.output(new ValueInfo("v10", DataType.FLOAT, Shape.of(1000))).build();
    try (CpuPreparedModel p = new CpuGraphExecutor().prepare(model(g), Options.NONE)) {
      for (int r = 0; r < 3; r++) {
        p.run(Map.of("v0", Tensor.ofFloats(new long[] {1000}, new float[1000])));
      }
      // a chain needs two live buffers at a time, never ten
      assertTrue(p.peakActivationBytes() <= 2 * 4000, "peak " + p.peakActivationBytes());
    }
  }

  @Test
  void listsOutputsInGraphOrder() {
    Graph g = Graph.builder("g")
        .input(new ValueInfo("x", DataType.FLOAT, Shape.of(1)))
        .node(Node.builder("Neg").inputs("x").outputs("b").build())
        .node(Node.builder("Abs").inputs("x").outputs("a").build())
        .output(new ValueInfo("b", DataType.FLOAT, Shape.of(1)))
        .output(new ValueInfo("a", DataType.FLOAT, Shape.of(1)))
        .build();
    try (CpuPreparedModel p = new CpuGraphExecutor().prepare(model(g), Options.NONE)) {
      assertEquals(List.of("b", "a"), List.copyOf(p.run(Map.of("x", Tensor.ofFloats(new long[] {1}, -2))).keySet()));
    }
  }
}
