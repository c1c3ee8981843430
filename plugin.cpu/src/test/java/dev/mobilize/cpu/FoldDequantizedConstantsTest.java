package dev.mobilize.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.Options;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A float convolution whose weight is a dequantized int8 constant, as a quantized graph's last conv. */
class FoldDequantizedConstantsTest {

  private static final byte[] WQ = {-128, -3, 0, 5, 127, 64, -64, 1}; // 4 output channels x 2 inputs, 1x1
  private static final float[] SCALE = {0.5f, 0.25f, 0.1f, 3f};

  private static Graph graph(boolean dequantizedWeightIsOutput) {
    Graph.Builder b = Graph.builder("g")
        .input(new ValueInfo("x", DataType.FLOAT, Shape.of(1, 2, 2, 2)))
        .initializer("wq", Tensor.of(DataType.INT8, new long[] {4, 2, 1, 1}, WQ))
        .initializer("ws", Tensor.ofFloats(new long[] {4}, SCALE))
        .initializer("zero", Tensor.scalar(0f))
        .initializer("six", Tensor.scalar(6f))
        .node(Node.builder("DequantizeLinear").inputs("wq", "ws").outputs("w")
            .attributes(Attributes.builder().set("axis", 0).build()).build())
        .node(Node.builder("Conv").inputs("x", "w").outputs("c").build())
        .node(Node.builder("Clip").inputs("c", "zero", "six").outputs("y").build())
        .output(new ValueInfo("y", DataType.FLOAT, Shape.UNKNOWN));
    if (dequantizedWeightIsOutput) {
      b.output(new ValueInfo("w", DataType.FLOAT, Shape.UNKNOWN));
    }
    return b.build();
  }

  @Test
  void turnsTheDequantizedWeightIntoAFloatInitializerThatFusionThenSees() {
    Graph folded = FoldDequantizedConstants.apply(graph(false));
    assertEquals(2, folded.nodes().size());
    float[] w = folded.initializer("w").orElseThrow().toFloatArray();
    for (int i = 0; i < w.length; i++) {
      assertEquals(WQ[i] * SCALE[i / 2], w[i], 0f, "weight " + i);
    }
    Graph fused = FuseForCpu.apply(folded);
    assertEquals(1, fused.nodes().size(), "Conv and Clip become one FusedConv");
    assertEquals("FusedConv", fused.nodes().get(0).opType());
  }

  @Test
  void keepsADequantizedValueThatIsAGraphOutput() {
    Graph g = graph(true);
    assertSame(g, FoldDequantizedConstants.apply(g));
  }

  @Test
  void theExecutorComputesWhatTheOpByOpGraphComputes() {
    float[] x = {1f, -2f, 0.5f, 3f, -1f, 4f, 2f, -0.25f};
    Map<String, Tensor> in = Map.of("x", Tensor.ofFloats(new long[] {1, 2, 2, 2}, x));
    float[] got;
    try (CpuPreparedModel p = new CpuGraphExecutor().prepare(Model.of(graph(false), Map.of("", 21L)), Options.NONE)) {
      got = p.run(in).get("y").toFloatArray();
    }
    float[] want = new float[16];
    for (int m = 0; m < 4; m++) {
      for (int px = 0; px < 4; px++) {
        float s = WQ[2 * m] * SCALE[m] * x[px] + WQ[2 * m + 1] * SCALE[m] * x[4 + px];
        want[m * 4 + px] = Math.min(6f, Math.max(0f, s));
      }
    }
    assertArrayEquals(want, got, 1e-5f);
  }
}
