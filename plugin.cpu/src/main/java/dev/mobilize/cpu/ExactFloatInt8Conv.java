package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/**
 * The int32 sums of an int8 convolution computed on the float kernels ({@link Sgemm}, the float
 * depthwise of {@link Conv}), exactly: a product of two int8 values is an integer of magnitude at
 * most {@code 128 * 127}, and every integer up to {@code 2^24} is a float, so when
 * {@code 128 * sum_k |W[c][k]| <= 2^24} for every output channel {@code c}, every partial sum, in
 * any order and with or without fused multiply-add, is an integer a float holds exactly. An input
 * zero point {@code z} is subtracted as the input is widened to float ({@code x_q - z}, so padding,
 * 0, is the real 0), and the bound is then {@code max|x_q - z| * sum_k |W[c][k]|} (255 for
 * {@code z = -128}). The sums
 * then equal the int32 sums bit for bit; the bias is added in int32 and {@link Requantize} applied
 * as on the integer kernels. On this JVM the float kernels reach twice the multiply-adds per
 * second of the 16-bit integer ones (the Vector API has no pairwise multiply-add such as
 * {@code vpmaddwd}), so this is the fast path; {@link Int8Conv} uses the integer kernels only for
 * weights past the bound.
 */
final class ExactFloatInt8Conv {

  /** The largest sum bound (in units of one) for which float32 sums are exact. */
  static final long EXACT_LIMIT = 1L << 24;
  /**
   * Elements per thread of the passes before and after the float kernel (widening, requantizing):
   * at a fraction of a nanosecond each, smaller pieces cost more in waking threads than they save.
   */
  private static final int PASS_GRAIN = 1 << 17;

  private final int m;
  private final int group;
  private final int k;
  private final boolean depthwise;
  /** Depthwise weights as floats ({@code m x kh x kw}), or null. */
  private final float[] wf;
  /** Per group, the weights as floats packed for {@link Sgemm}, or null for depthwise. */
  private final float[][] packed;
  private final int[] bias;
  /**
   * Per channel, the bias as a float when {@code |sum + bias|} stays within {@link #EXACT_LIMIT}
   * (then the float sum plus it is the int32 sum exactly), else NaN: that channel adds in int32.
   */
  private final float[] floatBias;
  private final Requantize rq;
  /** The input zero point, subtracted when the input is widened. */
  private final int xZero;

  private ExactFloatInt8Conv(byte[] w, int m, int group, int k, boolean depthwise, int[] bias, Requantize rq,
      int xZero) {
    this.m = m;
    this.xZero = xZero;
    this.group = group;
    this.k = k;
    this.depthwise = depthwise;
    float[] f = new float[w.length];
    for (int i = 0; i < w.length; i++) {
      f[i] = w[i];
    }
    int mg = m / group;
    this.wf = depthwise ? f : null;
    this.packed = depthwise ? null : new float[group][];
    if (!depthwise) {
      for (int g = 0; g < group; g++) {
        packed[g] = Sgemm.pack(f, g * mg * k, mg, k, k);
      }
    }
    this.bias = bias;
    this.floatBias = new float[m];
    for (int c = 0; c < m; c++) {
      long b = bias == null ? 0 : bias[c];
      floatBias[c] = bound(w, c, k, xZero) + Math.abs(b) <= EXACT_LIMIT ? (float) b : Float.NaN;
    }
    this.rq = rq;
  }

  /**
   * The float path for weights {@code w} ({@code m} rows of {@code k}), or null when some row's sums
   * could pass {@link #EXACT_LIMIT} (inputs {@code x_q - xZero} reach magnitude 128 for zero point 0,
   * 255 for -128).
   */
  static ExactFloatInt8Conv ifExact(byte[] w, int m, int group, int k, boolean depthwise, int[] bias,
      Requantize rq, int xZero) {
    return exact(w, m, k, xZero) ? new ExactFloatInt8Conv(w, m, group, k, depthwise, bias, rq, xZero) : null;
  }

  /** {@code 128 * sum_k |w[c][k]| <= 2^24} for every row {@code c} of {@code w} ({@code m x k}). */
  static boolean exact(byte[] w, int m, int k) {
    return exact(w, m, k, 0);
  }

  /** {@code max|x_q - xZero| * sum_k |w[c][k]| <= 2^24} for every row {@code c} of {@code w} ({@code m x k}). */
  static boolean exact(byte[] w, int m, int k, int xZero) {
    for (int c = 0; c < m; c++) {
      if (bound(w, c, k, xZero) > EXACT_LIMIT) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code max|x_q - xZero| * sum_k |w[c][k]|}: no partial sum of row {@code c} with int8 inputs is larger in
   * magnitude.
   */
  private static long bound(byte[] w, int c, int k, int xZero) {
    long sum = 0;
    for (int i = 0; i < k; i++) {
      sum += Math.abs(w[c * k + i]);
    }
    return Math.max(127 - xZero, 128 + xZero) * sum;
  }

  /**
   * Convolves {@code x} ({@code n x (group * cg) x h x wd}, int8) into {@code out}
   * ({@code n x m x oh x ow}, int8). {@code pointwise}: a 1x1 window with unit stride and no padding,
   * read without im2col.
   */
  void run(byte[] x, int n, int cg, int h, int wd, int kh, int kw, ConvGeometry.Window win, boolean pointwise,
      byte[] out, Exec ex) {
    float[] sums = sums(x, n, cg, h, wd, kh, kw, win, pointwise, ex);
    requantize(sums, n * m, win.out[0] * win.out[1], out, ex.parallel);
    ex.release(sums);
  }

  /**
   * The residual form ({@link FuseQdqForCpu}): {@code out = Q(y + r * rScale)} with the convolution's
   * float result {@code y = (bias + sum) * x_scale * W_scale[c]} and {@code Q(v) = saturate(rint(v / yScale))}.
   * {@code r} has the output's shape; when it does not, {@code y} and {@code r} are added with
   * broadcasting as Add would, and the result has the broadcast shape.
   */
  NdArray runResidual(Node node, byte[] x, int n, int cg, int h, int wd, int kh, int kw, ConvGeometry.Window win,
      boolean pointwise, NdArray r, float rScale, float yScale, Exec ex) {
    float[] sums = sums(x, n, cg, h, wd, kh, kw, win, pointwise, ex);
    int size = win.out[0] * win.out[1];
    int[] shape = {n, m, win.out[0], win.out[1]};
    byte[] rb = Int8Tensors.bytes(r);
    if (java.util.Arrays.equals(r.shape, shape)) {
      byte[] out = ex.bytes(sums.length);
      ex.parallel.forRange(n * m, Math.max(1, PASS_GRAIN / Math.max(1, size)), (p0, p1) -> {
        for (int p = p0; p < p1; p++) {
          int ch = p % m;
          int o = p * size;
          if (Int8Gemm.VECTOR && !Float.isNaN(floatBias[ch])) {
            VectorInt8.addResidual(sums, o, floatBias[ch], rq.scale[ch], rb, rScale, yScale, size, out);
          } else {
            for (int i = o; i < o + size; i++) {
              out[i] = quantize(sums[i], ch, rb[i], rScale, yScale);
            }
          }
        }
      });
      ex.release(sums);
      return NdArray.ofBytes(shape, out);
    }
    ex.parallel.forRange(n * m, 1, (p0, p1) -> {
      for (int p = p0; p < p1; p++) {
        int ch = p % m;
        for (int i = p * size; i < (p + 1) * size; i++) {
          sums[i] = ((int) sums[i] + (bias == null ? 0 : bias[ch])) * rq.scale[ch];
        }
      }
    });
    float[] rf = new float[rb.length];
    for (int i = 0; i < rb.length; i++) {
      rf[i] = rb[i] * rScale;
    }
    NdArray sum = Binary.apply(node, NdArray.ofFloats(shape, sums), NdArray.ofFloats(r.shape, rf), (u, v) -> u + v,
        (u, v) -> u + v, false, ex);
    ex.release(sums);
    byte[] out = ex.bytes(sum.size());
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Math.max(-128, Math.min(127, Math.rint(sum.f[i] / yScale)));
    }
    ex.release(sum.f);
    return NdArray.ofBytes(sum.shape, out);
  }

  /** One output of the residual form from its float sum (see {@link #runResidual}). */
  private byte quantize(float sum, int ch, byte r, float rScale, float yScale) {
    float y = ((int) sum + (bias == null ? 0 : bias[ch])) * rq.scale[ch];
    return (byte) Math.max(-128, Math.min(127, Math.rint((y + r * rScale) / yScale)));
  }

  /** The float sums {@code n x m x oh x ow} (without bias), exact integers; the caller releases them. */
  private float[] sums(byte[] x, int n, int cg, int h, int wd, int kh, int kw, ConvGeometry.Window win,
      boolean pointwise, Exec ex) {
    int c = cg * group;
    int cols = win.out[0] * win.out[1];
    float[] xf = ex.floats(x.length);
    ex.parallel.forRange(x.length, PASS_GRAIN, (a, b) -> {
      if (Int8Gemm.VECTOR) {
        VectorInt8.widen(x, xf, a, b);
      } else {
        for (int i = a; i < b; i++) {
          xf[i] = x[i];
        }
      }
      if (xZero != 0) {
        for (int i = a; i < b; i++) {
          xf[i] -= xZero;
        }
      }
    });
    float[] sums = ex.floats(n * m * cols);
    if (depthwise) {
      Conv.depthwise(Sgemm.VECTOR, xf, wf, null, sums, n, c, h, wd, win, Activation.NONE, ex.parallel);
    } else {
      int mg = m / group;
      float[] col = pointwise ? null : ex.floats(k * cols);
      Sgemm.Epilogue none = new Sgemm.Epilogue(null, 0, null, 0, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
      for (int img = 0; img < n; img++) {
        for (int g = 0; g < group; g++) {
          int xOff = (img * c + g * cg) * h * wd;
          if (!pointwise) {
            Conv.im2col(xf, xOff, cg, h, wd, kh, kw, win, col, ex.parallel);
          }
          Sgemm.gemm(mg, cols, k, packed[g], pointwise ? xf : col, pointwise ? xOff : 0, cols, sums,
              (img * m + g * mg) * cols, cols, none, ex.parallel);
        }
      }
      ex.release(col);
    }
    ex.release(xf);
    return sums;
  }

  /** {@code out[i] = requantize((int) sums[i] + bias[c])} over {@code planes} planes of {@code size}, channel = plane mod m. */
  private void requantize(float[] sums, int planes, int size, byte[] out, Parallel par) {
    par.forRange(planes, Math.max(1, PASS_GRAIN / Math.max(1, size)), (p0, p1) -> {
      for (int p = p0; p < p1; p++) {
        int ch = p % m;
        int add = bias == null ? 0 : bias[ch];
        int o = p * size;
        if (Int8Gemm.VECTOR && !Float.isNaN(floatBias[ch])) {
          VectorInt8.requantizeSums(sums, o, floatBias[ch], ch, rq, size, out, o);
        } else {
          for (int i = o; i < o + size; i++) {
            out[i] = (byte) rq.apply((int) sums[i] + add, ch);
          }
        }
      }
    });
  }
}
