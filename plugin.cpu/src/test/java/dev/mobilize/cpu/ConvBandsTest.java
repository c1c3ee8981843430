package dev.mobilize.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Convolutions with short im2col columns band by band ({@link ConvBands}) against the whole-plane im2col
 * and GEMM: the same values, for a stem (3 channels, 3x3, stride 2), odd sizes, asymmetric pads, fewer
 * output rows than a band and many bands, a residual, batch 2, 1 and 2 threads.
 */
class ConvBandsTest {

  /** {n, c, h, w, m, kernel, stride, padTop, padLeft, padBottom, padRight, residual}. */
  private static final int[][] CASES = {
      {1, 3, 224, 224, 32, 3, 2, 1, 1, 1, 1, 0}, {2, 3, 37, 51, 9, 3, 2, 0, 1, 1, 0, 0},
      {1, 2, 5, 300, 16, 5, 1, 2, 2, 2, 2, 1}, {1, 7, 30, 33, 8, 3, 1, 1, 1, 1, 1, 1},
      {2, 1, 3, 3, 12, 3, 1, 0, 0, 0, 0, 0}};

  @TestFactory
  Stream<DynamicTest> sameAsWholePlane() {
    List<DynamicTest> tests = new ArrayList<>();
    for (int[] cs : CASES) {
      for (int threads : new int[] {1, 2}) {
        String name = String.join(",", java.util.Arrays.stream(cs).mapToObj(String::valueOf).toList()) + " threads "
            + threads;
        tests.add(DynamicTest.dynamicTest(name, () -> check(cs, threads)));
      }
    }
    return tests.stream();
  }

  private static void check(int[] cs, int threads) {
    int n = cs[0];
    int c = cs[1];
    int h = cs[2];
    int w = cs[3];
    int m = cs[4];
    int kk = cs[5];
    int s = cs[6];
    int oh = (h + cs[7] + cs[9] - kk) / s + 1;
    int ow = (w + cs[8] + cs[10] - kk) / s + 1;
    boolean residual = cs[11] != 0;
    Random r = new Random(h * 17L + w);
    Graph.Builder b = Graph.builder("conv")
        .input(new ValueInfo("x", DataType.FLOAT, Shape.of(n, c, h, w)))
        .initializer("w", Tensor.ofFloats(new long[] {m, c, kk, kk}, SgemmTest.random(r, m * c * kk * kk)))
        .initializer("b", Tensor.ofFloats(new long[] {m}, SgemmTest.random(r, m)))
        .initializer("lo", Tensor.ofFloats(new long[0], 0f))
        .initializer("hi", Tensor.ofFloats(new long[0], 2f))
        .node(Node.builder("Conv").inputs("x", "w", "b").outputs("c")
            .attributes(Attributes.builder().ints("kernel_shape", kk, kk).ints("strides", s, s)
                .ints("pads", cs[7], cs[8], cs[9], cs[10]).build()).build());
    String last = "c";
    if (residual) {
      b.input(new ValueInfo("res", DataType.FLOAT, Shape.of(n, m, oh, ow)))
          .node(Node.builder("Add").inputs("c", "res").outputs("a").build());
      last = "a";
    }
    Graph g = FuseForCpu.apply(b.node(Node.builder("Clip").inputs(last, "lo", "hi").outputs("y").build())
        .output(new ValueInfo("y", DataType.FLOAT, Shape.of(n, m, oh, ow))).build());
    List<NdArray> in = new ArrayList<>();
    in.add(NdArray.ofFloats(new int[] {n, c, h, w}, SgemmTest.random(r, n * c * h * w)));
    if (residual) {
      in.add(NdArray.ofFloats(new int[] {n, m, oh, ow}, SgemmTest.random(r, n * m * oh * ow)));
    }
    float[] banded = run(g, in, threads, true);
    float[] whole = run(g, in, threads, false);
    assertArrayEquals(whole, banded);
  }

  private static float[] run(Graph g, List<NdArray> in, int threads, boolean bands) {
    String saved = System.getProperty(ConvBands.SWITCH);
    System.setProperty(ConvBands.SWITCH, String.valueOf(bands));
    try {
      List<Problem> problems = new ArrayList<>();
      Program p = Program.compile(g, 21, Set.of(), Kernels.TABLE, problems);
      assertTrue(problems.isEmpty(), problems::toString);
      try (Parallel par = new Parallel(threads)) {
        Exec ex = new Exec(par);
        p.run(in.toArray(NdArray[]::new), null, ex);
        return p.run(in.toArray(NdArray[]::new), null, ex)[0].f.clone();
      }
    } finally {
      if (saved == null) {
        System.clearProperty(ConvBands.SWITCH);
      } else {
        System.setProperty(ConvBands.SWITCH, saved);
      }
    }
  }
}
