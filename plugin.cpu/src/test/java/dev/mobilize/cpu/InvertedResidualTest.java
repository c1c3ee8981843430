package dev.mobilize.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.Problem;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The fused inverted-residual block ({@link FuseBlocksForCpu}, {@link InvertedResidual}) against the three
 * convolutions run one after the other: strides 1 and 2, with and without residual, odd sizes, bands of
 * one row up to the whole plane (so band edges fall everywhere), 1 and 2 threads, batch 2.
 */
class InvertedResidualTest {

  /** {n, c, h, w, expand, cout, stride, pad}. */
  private static final int[][] CASES = {
      {1, 16, 112, 112, 96, 24, 2, 1}, {1, 24, 56, 56, 144, 24, 1, 1}, {2, 5, 13, 17, 30, 5, 1, 1},
      {1, 7, 15, 9, 21, 11, 2, 1}, {2, 4, 9, 40, 12, 4, 2, 1}, {1, 6, 1, 1, 18, 6, 1, 1}, {1, 3, 8, 33, 9, 3, 1, 0},
      {1, 8, 10, 10, 48, 8, 2, 0}, {1, 32, 7, 7, 192, 32, 1, 1}};

  @TestFactory
  Stream<DynamicTest> matchesTheThreeConvolutions() {
    List<DynamicTest> tests = new ArrayList<>();
    for (int[] cs : CASES) {
      for (boolean residual : new boolean[] {false, true}) {
        if (residual && (cs[6] != 1 || cs[1] != cs[5] || cs[7] != 1)) {
          continue;
        }
        for (int band : new int[] {1, 3, 1 << 20}) {
          for (int threads : new int[] {1, 2}) {
            String name = String.join("x", java.util.Arrays.stream(cs).mapToObj(String::valueOf).toList())
                + (residual ? " residual" : "") + " bandFloats " + band + " threads " + threads;
            tests.add(DynamicTest.dynamicTest(name, () -> check(cs, residual, band, threads)));
          }
        }
      }
    }
    return tests.stream();
  }

  private static void check(int[] cs, boolean residual, int bandUnits, int threads) {
    Graph g = FuseForCpu.apply(block(cs, residual));
    Graph fused = FuseBlocksForCpu.apply(g);
    assertEquals(1, fused.nodes().size(), "one node for the block");
    assertEquals(FuseBlocksForCpu.OP, fused.nodes().get(0).opType());
    int e = cs[4];
    int w = cs[3];
    // about bandUnits output rows per band (at least one)
    int ow = (w + 2 * cs[7] - 3) / cs[6] + 1;
    long perRow = (long) e * (w * cs[6] + ow);
    int bandFloats = (int) Math.min(1 << 26, (long) e * w * (3 - cs[6]) + perRow * bandUnits);
    Random r = new Random(cs[2] * 31L + cs[3]);
    float[] x = SgemmTest.random(r, cs[0] * cs[1] * cs[2] * cs[3]);
    NdArray in = NdArray.ofFloats(new int[] {cs[0], cs[1], cs[2], cs[3]}, x);
    float[] expected = run(g, Kernels.TABLE, in, threads);
    Map<String, Kernel> kernels = new HashMap<>(Kernels.TABLE);
    kernels.put("mobilize." + FuseBlocksForCpu.OP, new InvertedResidual(0, bandFloats, 2));
    float[] actual = run(fused, kernels, in, threads);
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      if (!(Math.abs(actual[i] - expected[i]) <= 1e-6f * (1 + Math.abs(expected[i])))) {
        fail("out[" + i + "]: expected " + expected[i] + ", fused " + actual[i]);
      }
    }
  }

  @Test
  void smallBlocksRunAsThreeConvolutionsWithTheSameResult() {
    int[] cs = {1, 4, 6, 6, 24, 4, 1, 1};
    Graph fused = FuseBlocksForCpu.apply(FuseForCpu.apply(block(cs, true)));
    NdArray in = NdArray.ofFloats(new int[] {1, 4, 6, 6}, SgemmTest.random(new Random(3), 144));
    Map<String, Kernel> kernels = new HashMap<>(Kernels.TABLE);
    kernels.put("mobilize." + FuseBlocksForCpu.OP, new InvertedResidual(1 << 20, 1 << 20, 2));
    float[] viaFallback = run(fused, kernels, in, 2);
    float[] unfused = run(FuseForCpu.apply(block(cs, true)), Kernels.TABLE, in, 2);
    assertTrue(java.util.Arrays.equals(unfused, viaFallback), "the fallback is the three Conv steps");
  }

  @Test
  void chainsWhoseIntermediatesAreReadElsewhereStayApart() {
    int[] cs = {1, 4, 6, 6, 24, 4, 1, 1};
    Graph g = FuseForCpu.apply(block(cs, false));
    String expanded = g.nodes().get(0).output(0);
    Graph withOutput = g.toBuilder().output(new ValueInfo(expanded, DataType.FLOAT, Shape.of(1, 24, 6, 6))).build();
    assertEquals(3, FuseBlocksForCpu.apply(withOutput).nodes().size(), "a graph output is not fused away");
    Graph reread = g.toBuilder().node(Node.builder("Relu").inputs(g.nodes().get(1).output(0)).outputs("z").build())
        .output(new ValueInfo("z", DataType.FLOAT, Shape.of(1, 24, 6, 6))).build();
    assertEquals(4, FuseBlocksForCpu.apply(reread).nodes().size(), "a value with a second reader is not fused away");
  }

  @Test
  void sigmoidActivationsAreNotFused() {
    int[] cs = {1, 4, 6, 6, 24, 4, 1, 1};
    Graph g = block(cs, false);
    List<Node> nodes = new ArrayList<>(g.nodes());
    nodes.set(1, Node.builder("Sigmoid").inputs(nodes.get(1).input(0)).outputs(nodes.get(1).output(0)).build());
    Graph sig = FuseForCpu.apply(g.toBuilder().nodes(nodes).build());
    assertEquals(3, FuseBlocksForCpu.apply(sig).nodes().size());
  }

  private static float[] run(Graph g, Map<String, Kernel> kernels, NdArray in, int threads) {
    List<Problem> problems = new ArrayList<>();
    Program p = Program.compile(g, 21, Set.of(), kernels, problems);
    assertTrue(problems.isEmpty(), problems::toString);
    try (Parallel par = new Parallel(threads)) {
      Exec ex = new Exec(par);
      p.run(new NdArray[] {in}, null, ex); // a second run reuses the pooled buffers
      return p.run(new NdArray[] {in}, null, ex)[0].f.clone();
    }
  }

  /** Conv 1x1 + Clip(0, 6), depthwise 3x3 + Clip(0, 6), Conv 1x1 (+ Add x), as exported from PyTorch. */
  static Graph block(int[] cs, boolean residual) {
    int n = cs[0];
    int c = cs[1];
    int h = cs[2];
    int w = cs[3];
    int e = cs[4];
    int cout = cs[5];
    int s = cs[6];
    int pad = cs[7];
    int oh = (h + 2 * pad - 3) / s + 1;
    int ow = (w + 2 * pad - 3) / s + 1;
    Random r = new Random(e * 7L + cout);
    Graph.Builder b = Graph.builder("block")
        .input(new ValueInfo("x", DataType.FLOAT, Shape.of(n, c, h, w)))
        .initializer("w1", Tensor.ofFloats(new long[] {e, c, 1, 1}, scaled(r, e * c, 1.5f / (float) Math.sqrt(c))))
        .initializer("b1", Tensor.ofFloats(new long[] {e}, scaled(r, e, 0.5f)))
        .initializer("w2", Tensor.ofFloats(new long[] {e, 1, 3, 3}, scaled(r, e * 9, 0.5f)))
        .initializer("b2", Tensor.ofFloats(new long[] {e}, scaled(r, e, 0.5f)))
        .initializer("w3", Tensor.ofFloats(new long[] {cout, e, 1, 1}, scaled(r, cout * e, 1f / (float) Math.sqrt(e))))
        .initializer("b3", Tensor.ofFloats(new long[] {cout}, scaled(r, cout, 0.5f)))
        .initializer("lo", Tensor.ofFloats(new long[0], 0f))
        .initializer("hi", Tensor.ofFloats(new long[0], 6f))
        .node(Node.builder("Conv").name("/b/expand").inputs("x", "w1", "b1").outputs("t1")
            .attributes(Attributes.builder().ints("kernel_shape", 1, 1).build()).build())
        .node(Node.builder("Clip").inputs("t1", "lo", "hi").outputs("t2").build())
        .node(Node.builder("Conv").name("/b/dw").inputs("t2", "w2", "b2").outputs("t3")
            .attributes(Attributes.builder().ints("kernel_shape", 3, 3).set("group", e).ints("strides", s, s)
                .ints("pads", pad, pad, pad, pad).build()).build())
        .node(Node.builder("Clip").inputs("t3", "lo", "hi").outputs("t4").build())
        .node(Node.builder("Conv").name("/b/project").inputs("t4", "w3", "b3").outputs(residual ? "t5" : "y")
            .attributes(Attributes.builder().ints("kernel_shape", 1, 1).build()).build());
    if (residual) {
      b.node(Node.builder("Add").inputs("x", "t5").outputs("y").build());
    }
    return b.output(new ValueInfo("y", DataType.FLOAT, Shape.of(n, cout, oh, ow))).build();
  }

  private static float[] scaled(Random r, int n, float scale) {
    float[] v = SgemmTest.random(r, n);
    for (int i = 0; i < v.length; i++) {
      v[i] *= scale;
    }
    return v;
  }
}
