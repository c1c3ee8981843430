package dev.mobilize.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Node;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link Int8DepthwiseOnFloats} and {@link Int8GemmOnFloats} (on the input and on int8 columns) against the integer definition with
 * an input zero point: {@code acc = B_q[c] + sum (x_q - zp) * W_q}, padding read as {@code zp} (so
 * it adds nothing), then {@link Requantize#apply}; the residual form as {@link ExactFloatInt8Conv}
 * defines it. Zero points 0, -128 (non-negative tensors) and 37.
 */
class Int8OnFloatsTest {

  private static final float X_SCALE = 0.02f;

  @ParameterizedTest(name = "depthwise {0}x{0} {1}x{2} stride {3} pad {4}, {5} channels, zero point {6}, clip {7}")
  @CsvSource({
      "3, 20, 20, 1, 1, 6, 0, false",
      "3, 20, 20, 1, 1, 6, -128, false",
      "3, 33, 33, 2, 1, 5, -128, false",
      "3, 7, 7, 1, 1, 40, 37, false", // small planes: a vector's worth of planes at a time
      "3, 7, 7, 2, 1, 35, -128, false", // and a last block of fewer planes
      "3, 28, 28, 2, 1, 35, -128, true", // stride 2 to at most 14x14: whole blocks of planes too
      "3, 26, 26, 2, 1, 33, 0, false",
      "5, 9, 11, 1, 2, 4, -128, false", // not 3x3: widened planes on the float kernel
      "3, 40, 40, 1, 0, 3, 0, false",
      // 3x3 in one pass (VectorInt8Depthwise): stride 1 rows wider than two vectors and flat runs, stride 2
      // rows wider and narrower than a vector (pad 0), odd widths; small planes above
      "3, 57, 57, 1, 1, 3, 37, true",
      "3, 57, 57, 1, 1, 3, -128, true",
      "3, 56, 61, 2, 1, 4, 0, true",
      "3, 56, 61, 2, 1, 4, 37, false",
      "3, 30, 29, 2, 0, 3, -128, true",
      "3, 14, 14, 1, 1, 17, 0, true",
      "3, 15, 15, 2, 1, 17, -128, true"})
  void depthwiseMatchesIntegerDefinition(int k, int h, int w, int stride, int pad, int m, int zp, boolean clip) {
    Random r = new Random(h * 31 + m + zp);
    byte[] wq = randomBytes(r, m * k * k, 127);
    int[] bias = randomInts(r, m, 4000);
    bias[0] = 1 << 25; // past float's exact range: added in int32
    // output zero points too: -128 after a clip (as asymmetric activations have them), an odd one
    int yZero = clip ? -128 : zp == 37 ? 11 : 0;
    Requantize rq = requantize(m, k * k, yZero, clip ? clip(0f, 6f) : Activation.NONE);
    Int8DepthwiseOnFloats kernel = Int8DepthwiseOnFloats.ifExact(wq, m, k, k, bias, rq, zp);
    assertNotNull(kernel);
    int n = 2;
    byte[] x = randomBytes(r, n * m * h * w, 128);
    ConvGeometry.Window win = window(k, stride, pad, h, w, m);
    int oh = win.out[0];
    int ow = win.out[1];
    byte[] out = new byte[n * m * oh * ow];
    try (Parallel par = new Parallel(2)) {
      kernel.run(x, n, h, w, win, out, par, new float[2][][]);
    }
    for (int img = 0; img < n; img++) {
      for (int c = 0; c < m; c++) {
        for (int oy = 0; oy < oh; oy++) {
          for (int ox = 0; ox < ow; ox++) {
            int acc = bias[c];
            for (int ky = 0; ky < k; ky++) {
              for (int kx = 0; kx < k; kx++) {
                int iy = oy * stride - pad + ky;
                int ix = ox * stride - pad + kx;
                int v = iy >= 0 && iy < h && ix >= 0 && ix < w ? x[((img * m + c) * h + iy) * w + ix] : zp;
                acc += (v - zp) * wq[(c * k + ky) * k + kx];
              }
            }
            int o = ((img * m + c) * oh + oy) * ow + ox;
            assertEquals(rq.apply(acc, c), out[o], "image " + img + " channel " + c + " at " + oy + "," + ox);
          }
        }
      }
    }
  }

  @ParameterizedTest(name = "1x1 {0} -> {1}, {2} columns, zero point {3}, residual {4}, a bias past float {5}")
  @CsvSource({
      "40, 24, 150, 0, false, true",
      "40, 24, 150, -128, false, true",
      "96, 16, 784, 37, false, true",
      "16, 9, 7, -128, false, true", // fewer columns than a vector
      "64, 32, 196, 0, true, true",
      "64, 32, 196, -128, true, true",
      // requantized in the micro-kernel's registers (VectorInt8GemmOut): whole tiles, last columns, last rows
      "40, 24, 150, 0, false, false",
      "24, 144, 3136, -128, false, false",
      "96, 21, 784, 37, false, false",
      "16, 9, 7, -128, false, false",
      "320, 40, 49, 0, false, false",
      "64, 32, 196, 0, true, false",
      "64, 36, 100, -128, true, false"})
  void pointwiseMatchesIntegerDefinition(int k, int m, int cols, int zp, boolean residual, boolean bigBias) {
    Random r = new Random(k * 7 + m + cols + zp);
    byte[] wq = randomBytes(r, m * k, 127);
    int[] bias = randomInts(r, m, 4000);
    if (bigBias) {
      bias[1] = -(1 << 25); // past float's exact range: requantized from a float tile, the bias added in int32
    }
    // output zero points: -128 after the clip, as asymmetric activations have them, or an odd one
    Requantize rq = requantize(m, k, residual ? 0 : zp == 37 ? 5 : -128, residual ? Activation.NONE : clip(0f, 3f));
    Int8GemmOnFloats kernel = Int8GemmOnFloats.ifExact(wq, m, k, bias, rq, zp);
    if (!Sgemm.VECTOR || !Int8Gemm.VECTOR) {
      assertNull(kernel, "needs the Vector API");
      return;
    }
    assertNotNull(kernel);
    int n = 2;
    byte[] x = randomBytes(r, n * k * cols, 128);
    byte[] res = residual ? randomBytes(r, n * m * cols, 128) : null;
    float rScale = 0.05f;
    byte[] out = new byte[n * m * cols];
    try (Parallel par = new Parallel(2)) {
      kernel.run(x, n, cols, out, res, rScale, rq.yScale, par, new float[2][][]);
    }
    for (int img = 0; img < n; img++) {
      for (int c = 0; c < m; c++) {
        for (int j = 0; j < cols; j++) {
          int acc = bias[c];
          for (int i = 0; i < k; i++) {
            acc += (x[(img * k + i) * cols + j] - zp) * wq[c * k + i];
          }
          int o = (img * m + c) * cols + j;
          int expected;
          if (residual) {
            float y = acc * rq.scale[c];
            expected = (int) Math.max(-128, Math.min(127, Math.rint((y + res[o] * rScale) / rq.yScale)));
          } else {
            expected = rq.apply(acc, c);
          }
          assertEquals(expected, out[o], "image " + img + " channel " + c + " column " + j);
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}x{0} stride {1} pad {2}, {3} -> {4} channels, zero point {5}, via int8 columns")
  @CsvSource({
      "3, 2, 1, 3, 16, -128",
      "3, 1, 1, 8, 12, 37",
      "3, 2, 1, 3, 32, 0"})
  void convolutionOnColumnsMatchesIntegerDefinition(int k, int stride, int pad, int c, int m, int zp) {
    Random r = new Random(k + stride * 3 + c * 5 + m + zp);
    int h = 17;
    int w = 15;
    int kk = c * k * k;
    byte[] wq = randomBytes(r, m * kk, 127);
    int[] bias = randomInts(r, m, 4000);
    Requantize rq = requantize(m, kk, Activation.NONE);
    Int8GemmOnFloats kernel = Int8GemmOnFloats.ifExact(wq, m, kk, bias, rq, zp);
    if (!Sgemm.VECTOR || !Int8Gemm.VECTOR) {
      assertNull(kernel, "needs the Vector API");
      return;
    }
    int n = 2;
    byte[] x = randomBytes(r, n * c * h * w, 128);
    ConvGeometry.Window win = window(k, stride, pad, h, w, 1);
    int oh = win.out[0];
    int ow = win.out[1];
    byte[] col = new byte[n * kk * oh * ow];
    byte[] out = new byte[n * m * oh * ow];
    try (Parallel par = new Parallel(2)) {
      for (int img = 0; img < n; img++) {
        Int8GemmOnFloats.im2col(x, img, c, h, w, k, k, win, zp, col, par);
      }
      kernel.run(col, n, oh * ow, out, null, 0f, rq.yScale, par, new float[2][][]);
    }
    for (int img = 0; img < n; img++) {
      for (int oc = 0; oc < m; oc++) {
        for (int oy = 0; oy < oh; oy++) {
          for (int ox = 0; ox < ow; ox++) {
            int acc = bias[oc];
            for (int ic = 0; ic < c; ic++) {
              for (int ky = 0; ky < k; ky++) {
                for (int kx = 0; kx < k; kx++) {
                  int iy = oy * stride - pad + ky;
                  int ix = ox * stride - pad + kx;
                  int v = iy >= 0 && iy < h && ix >= 0 && ix < w ? x[((img * c + ic) * h + iy) * w + ix] : zp;
                  acc += (v - zp) * wq[((oc * c + ic) * k + ky) * k + kx];
                }
              }
            }
            int o = ((img * m + oc) * oh + oy) * ow + ox;
            assertEquals(rq.apply(acc, oc), out[o], "image " + img + " channel " + oc + " at " + oy + "," + ox);
          }
        }
      }
    }
  }

  /** The exact range depends on the zero point: |x - zp| reaches 255 for zp = -128, 128 for 0. */
  @Test
  void exactRangeFollowsTheZeroPoint() {
    int k = 600; // 127 * 600 * 128 = 9.75e6 <= 2^24 < 127 * 600 * 255
    byte[] w = new byte[9 * k];
    java.util.Arrays.fill(w, (byte) 127);
    Requantize rq = requantize(9, k, Activation.NONE);
    assertEquals(128, Int8DepthwiseOnFloats.reach(0));
    assertEquals(255, Int8DepthwiseOnFloats.reach(-128));
    assertNull(Int8GemmOnFloats.ifExact(w, 9, k, null, rq, -128));
    assertNull(Int8DepthwiseOnFloats.ifExact(w, 9, 1, k, null, rq, -128));
    assertNotNull(Int8DepthwiseOnFloats.ifExact(w, 9, 1, k, null, rq, 0));
    assertEquals(Sgemm.VECTOR && Int8Gemm.VECTOR, Int8GemmOnFloats.ifExact(w, 9, k, null, rq, 0) != null);
  }

  /** A Clip(lo, hi) activation (Relu6 for 0, 6), which requantizes as a clamp. */
  private static Activation clip(float lo, float hi) {
    return Activation.of(Node.builder("Conv")
        .attributes(Attributes.builder().set("activation", "Clip").floats("activation_params", lo, hi).build()).build());
  }

  private static Requantize requantize(int m, int taps, Activation act) {
    return requantize(m, taps, 0, act);
  }

  private static Requantize requantize(int m, int taps, int yZero, Activation act) {
    float[] wScale = new float[m];
    for (int i = 0; i < m; i++) {
      wScale[i] = 0.01f * (1 + i % 3 * 0.1f);
    }
    // spreads typical sums (about 75 * 73 * sqrt(taps)) over the int8 range
    float yScale = X_SCALE * wScale[0] * 75f * 73 * (float) Math.sqrt(taps) / 60f;
    return new Requantize(X_SCALE, wScale, yScale, yZero, act);
  }

  private static ConvGeometry.Window window(int k, int stride, int pad, int h, int w, int m) {
    Node node = Node.builder("Conv").attributes(Attributes.builder().ints("kernel_shape", k, k)
        .ints("strides", stride, stride).ints("pads", pad, pad, pad, pad).set("group", m).build()).build();
    return new ConvGeometry(node).resolve(new int[] {h, w}, new int[] {k, k});
  }

  /** Uniform in {@code [-range, 127]}. */
  private static byte[] randomBytes(Random r, int n, int range) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (r.nextInt(128 + range) - range);
    }
    return b;
  }

  private static int[] randomInts(Random r, int n, int range) {
    int[] v = new int[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextInt(2 * range) - range;
    }
    return v;
  }
}
