package dev.mobilize.cpu;

import static org.junit.jupiter.api.Assertions.fail;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Depthwise convolution ({@link Conv#depthwise}) against the definition, on the scalar loops and (when
 * the JVM has {@code jdk.incubator.vector}) on {@link VectorDepthwise}: plane sizes below, at and
 * above a vector (its flat run and its row-by-row path), strides 1 and 2, symmetric and asymmetric pads, bias, clamp, a 5x5 window.
 */
class DepthwiseTest {

  /** {h, w, kernel, stride, padTop, padLeft, padBottom, padRight}. */
  private static final int[][] CASES = {
      {1, 1, 3, 1, 1, 1, 1, 1}, {7, 7, 3, 1, 1, 1, 1, 1}, {7, 7, 3, 2, 1, 1, 1, 1}, {14, 14, 3, 2, 0, 0, 1, 1},
      {16, 16, 3, 1, 1, 1, 1, 1}, {17, 33, 3, 1, 1, 1, 1, 1}, {28, 28, 3, 2, 1, 1, 1, 1}, {9, 40, 3, 2, 1, 1, 1, 1},
      {5, 6, 3, 1, 0, 0, 0, 0}, {12, 13, 3, 2, 0, 0, 0, 0}, {10, 11, 5, 1, 2, 2, 2, 2}, {6, 35, 3, 1, 2, 2, 0, 0},
      {12, 41, 3, 2, 0, 0, 1, 1}, {4, 70, 3, 1, 0, 1, 2, 1}, {3, 64, 3, 2, 2, 2, 2, 2}, {40, 40, 3, 2, 1, 1, 1, 1},
      {30, 57, 3, 2, 0, 0, 1, 1}};

  @TestFactory
  Stream<DynamicTest> matchesDefinition() {
    List<DynamicTest> tests = new ArrayList<>();
    for (boolean vector : Sgemm.VECTOR ? new boolean[] {false, true} : new boolean[] {false}) {
      for (int[] cs : CASES) {
        for (boolean relu6 : new boolean[] {false, true}) {
          String name = (vector ? "vector" : "scalar") + " " + cs[0] + "x" + cs[1] + " k" + cs[2] + " s" + cs[3]
              + " pads " + cs[4] + "," + cs[5] + "," + cs[6] + "," + cs[7] + (relu6 ? " relu6" : "");
          tests.add(DynamicTest.dynamicTest(name, () -> check(vector, cs, relu6)));
        }
      }
    }
    return tests.stream();
  }

  private static void check(boolean vector, int[] cs, boolean relu6) {
    int n = 2;
    int c = 35; // whole channel blocks (of 4, 8 or 16) and a remainder
    int h = cs[0];
    int wd = cs[1];
    int kk = cs[2];
    int s = cs[3];
    ConvGeometry.Window win = new ConvGeometry.Window();
    win.kernel = new int[] {kk, kk};
    win.stride = new int[] {s, s};
    win.dilation = new int[] {1, 1};
    win.padBegin = new int[] {cs[4], cs[5]};
    win.padEnd = new int[] {cs[6], cs[7]};
    win.in = new int[] {h, wd};
    win.out = new int[] {(h + cs[4] + cs[6] - kk) / s + 1, (wd + cs[5] + cs[7] - kk) / s + 1};
    int oh = win.out[0];
    int ow = win.out[1];
    Random r = new Random(h * 131L + wd);
    float[] x = SgemmTest.random(r, n * c * h * wd);
    float[] w = SgemmTest.random(r, c * kk * kk);
    float[] bias = SgemmTest.random(r, c);
    Activation act = relu6 ? Activation.of(Node.builder("FusedConv").domain(Node.MOBILIZE_DOMAIN)
        .attributes(Attributes.builder().set("activation", "Clip").floats("activation_params", 0f, 0.3f).build())
        .build()) : Activation.NONE;
    float[] out = new float[n * c * oh * ow];
    try (Parallel p = new Parallel(2)) {
      Conv.depthwise(vector, x, w, bias, out, n, c, h, wd, win, act, p);
    }
    for (int img = 0; img < n; img++) {
      for (int ch = 0; ch < c; ch++) {
        for (int oy = 0; oy < oh; oy++) {
          for (int ox = 0; ox < ow; ox++) {
            double sum = bias[ch];
            for (int ky = 0; ky < kk; ky++) {
              for (int kx = 0; kx < kk; kx++) {
                int iy = oy * s - cs[4] + ky;
                int ix = ox * s - cs[5] + kx;
                if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                  sum += (double) w[ch * kk * kk + ky * kk + kx] * x[((img * c + ch) * h + iy) * wd + ix];
                }
              }
            }
            double expected = relu6 ? Math.min(Math.max(sum, 0), 0.3) : sum;
            float actual = out[((img * c + ch) * oh + oy) * ow + ox];
            if (!(Math.abs(actual - expected) <= 1e-5 + 1e-5 * Math.abs(expected))) {
              fail("out[" + img + "][" + ch + "][" + oy + "][" + ox + "]: expected " + expected + ", actual " + actual);
            }
          }
        }
      }
    }
  }
}
