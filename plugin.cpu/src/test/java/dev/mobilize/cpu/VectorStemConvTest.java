package dev.mobilize.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link VectorStemConv} (3x3 stride-2 convolution of few input channels) against the definition:
 * 1, 3 and 4 input channels, output channels in whole and partial blocks of eight, output rows of one
 * vector, of whole vectors and with a remainder, symmetric, asymmetric and no pads, with and without a clamp.
 */
class VectorStemConvTest {

  /** {c, m, h, w, padTop, padLeft, padBottom, padRight}. */
  private static final int[][] CASES = {
      {3, 32, 33, 70, 1, 1, 1, 1}, {3, 13, 20, 64, 0, 0, 1, 1}, {1, 8, 9, 33, 1, 1, 1, 1}, {4, 5, 12, 90, 2, 2, 2, 2},
      {3, 17, 7, 35, 0, 0, 0, 0}, {2, 9, 16, 41, 1, 2, 0, 1}};

  @TestFactory
  Stream<DynamicTest> matchesDefinition() {
    List<DynamicTest> tests = new ArrayList<>();
    for (int[] cs : CASES) {
      for (boolean clamp : new boolean[] {false, true}) {
        tests.add(DynamicTest.dynamicTest(cs[0] + "->" + cs[1] + " " + cs[2] + "x" + cs[3] + " pads " + cs[4] + ","
            + cs[5] + "," + cs[6] + "," + cs[7] + (clamp ? " clamp" : ""), () -> check(cs, clamp)));
      }
    }
    return tests.stream();
  }

  @Test
  void claimsOnlyWhatItComputes() {
    assumeTrue(Sgemm.VECTOR, "needs jdk.incubator.vector");
    assertTrue(VectorStemConv.supports(3, 1, window(224, 224, 1, 1, 1, 1)));
    assertTrue(!VectorStemConv.supports(3, 1, window(8, 8, 1, 1, 1, 1))); // 4 outputs per row: less than a vector
    assertTrue(!VectorStemConv.supports(5, 1, window(224, 224, 1, 1, 1, 1)));
    assertTrue(!VectorStemConv.supports(3, 3, window(224, 224, 1, 1, 1, 1)));
  }

  private static ConvGeometry.Window window(int h, int wd, int pt, int pl, int pb, int pr) {
    ConvGeometry.Window win = new ConvGeometry.Window();
    win.kernel = new int[] {3, 3};
    win.stride = new int[] {2, 2};
    win.dilation = new int[] {1, 1};
    win.padBegin = new int[] {pt, pl};
    win.padEnd = new int[] {pb, pr};
    win.in = new int[] {h, wd};
    win.out = new int[] {(h + pt + pb - 3) / 2 + 1, (wd + pl + pr - 3) / 2 + 1};
    return win;
  }

  private static void check(int[] cs, boolean clamp) {
    assumeTrue(Sgemm.VECTOR, "needs jdk.incubator.vector");
    int c = cs[0];
    int m = cs[1];
    int h = cs[2];
    int wd = cs[3];
    ConvGeometry.Window win = window(h, wd, cs[4], cs[5], cs[6], cs[7]);
    assertTrue(VectorStemConv.supports(c, 1, win), "case must be one the kernel claims");
    int oh = win.out[0];
    int ow = win.out[1];
    Random r = new Random(h * 31L + wd);
    int n = 2;
    float[] x = SgemmTest.random(r, n * c * h * wd);
    float[] w = SgemmTest.random(r, m * c * 9);
    float[] bias = SgemmTest.random(r, m);
    float lo = clamp ? 0f : Float.NEGATIVE_INFINITY;
    float hi = clamp ? 0.3f : Float.POSITIVE_INFINITY;
    float[] out = new float[n * m * oh * ow];
    try (Parallel p = new Parallel(2)) {
      for (int img = 0; img < n; img++) {
        VectorStemConv.conv(x, img * c * h * wd, w, bias, out, img * m * oh * ow, c, h, wd, m, win, lo, hi, p);
      }
    }
    for (int img = 0; img < n; img++) {
      for (int co = 0; co < m; co++) {
        for (int oy = 0; oy < oh; oy++) {
          for (int ox = 0; ox < ow; ox++) {
            double sum = bias[co];
            for (int ci = 0; ci < c; ci++) {
              for (int ky = 0; ky < 3; ky++) {
                for (int kx = 0; kx < 3; kx++) {
                  int iy = 2 * oy - cs[4] + ky;
                  int ix = 2 * ox - cs[5] + kx;
                  if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                    sum += (double) w[(co * c + ci) * 9 + ky * 3 + kx] * x[((img * c + ci) * h + iy) * wd + ix];
                  }
                }
              }
            }
            double expected = Math.min(Math.max(sum, lo), hi);
            float actual = out[((img * m + co) * oh + oy) * ow + ox];
            if (!(Math.abs(actual - expected) <= 1e-5 + 1e-5 * Math.abs(expected))) {
              fail("out[" + img + "][" + co + "][" + oy + "][" + ox + "]: expected " + expected + ", actual " + actual);
            }
          }
        }
      }
    }
  }
}
