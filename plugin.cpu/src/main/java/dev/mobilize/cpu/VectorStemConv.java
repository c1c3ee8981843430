package dev.mobilize.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Direct 3x3 stride-2 convolution for few input channels (the first layer of image models, 3 channels
 * in), on the Vector API, without im2col: for each output row the input rows it reads are split into
 * their even and odd columns (as {@link VectorDepthwise#rows2} does), so that every one of the
 * {@code 9 c} taps is a contiguous vector; eight output channels accumulate at a time, each tap vector
 * loaded once for the eight. Sums run over (ci, ky, kx) in order, like the GEMM path. Loaded only
 * when {@code jdk.incubator.vector} is present.
 */
final class VectorStemConv {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final VectorSpecies<Integer> HALF_INTS =
      VectorSpecies.of(int.class, VectorShape.forBitSize(S.vectorBitSize() / 2));
  /** Input channels up to which this beats im2col and the GEMM. */
  static final int MAX_CHANNELS = 4;
  private static final int CO = 8;

  private VectorStemConv() {}

  /** Whether {@link #conv} handles this convolution. */
  static boolean supports(int cg, int group, ConvGeometry.Window win) {
    return group == 1 && cg <= MAX_CHANNELS && win.kernel[0] == 3 && win.kernel[1] == 3
        && win.stride[0] == 2 && win.stride[1] == 2 && win.dilation[0] == 1 && win.dilation[1] == 1
        && win.padBegin[0] <= 2 && win.padBegin[1] <= 2 && win.out[1] >= L;
  }

  /**
   * One image: {@code out[outOff + (co * oh + oy) * ow + ox] = clamp(bias[co] + sum w[co][ci][ky][kx]
   * x[xOff + (ci * h + 2oy - pt + ky) * wd + 2ox - pl + kx], lo, hi)}, zero outside the input.
   */
  static void conv(float[] x, int xOff, float[] w, float[] bias, float[] out, int outOff, int c, int h, int wd,
      int m, ConvGeometry.Window win, float lo, float hi, Parallel parallel) {
    int oh = win.out[0];
    int ow = win.out[1];
    int pt = win.padBegin[0];
    int pl = win.padBegin[1];
    int owV = (ow + L - 1) / L * L;
    int half = owV + L; // E or O row: [0, owV + 1) is read
    int pw = 2 * owV + L; // padded input row: [0, 2 owV + 2) is split, a vector at a time
    int copy = Math.max(0, Math.min(wd, pw - pl));
    int taps = c * 9;
    // weights by tap, then output channel, padded to whole blocks of CO
    int mb = (m + CO - 1) / CO * CO;
    float[] wt = new float[taps * mb];
    float[] bt = new float[mb];
    for (int co = 0; co < m; co++) {
      for (int tap = 0; tap < taps; tap++) {
        wt[tap * mb + co] = w[co * taps + tap];
      }
      bt[co] = bias == null ? 0f : bias[co];
    }
    int chunks = Math.min(oh, 8 * parallel.threads());
    parallel.forChunks(chunks, (t, chunk) -> {
      float[] buf = parallel.scratch(t, pw + c * 3 * 2 * half + mb);
      java.util.Arrays.fill(buf, 0, pw, 0f);
      int[] tapOff = new int[taps];
      for (int ci = 0; ci < c; ci++) {
        for (int ky = 0; ky < 3; ky++) {
          int e = pw + (ci * 3 + ky) * 2 * half;
          tapOff[(ci * 3 + ky) * 3] = e;
          tapOff[(ci * 3 + ky) * 3 + 1] = e + half;
          tapOff[(ci * 3 + ky) * 3 + 2] = e + 1;
        }
      }
      for (int oy = oh * chunk / chunks, end = oh * (chunk + 1) / chunks; oy < end; oy++) {
        for (int ci = 0; ci < c; ci++) {
          for (int ky = 0; ky < 3; ky++) {
            int iy = 2 * oy - pt + ky;
            int e = pw + (ci * 3 + ky) * 2 * half;
            if (iy < 0 || iy >= h) {
              java.util.Arrays.fill(buf, e, e + 2 * half, 0f);
              continue;
            }
            System.arraycopy(x, xOff + (ci * h + iy) * wd, buf, pl, copy);
            for (int q = 0; q < pw; q += L) {
              LongVector v = FloatVector.fromArray(S, buf, q).reinterpretAsLongs();
              ((IntVector) v.convertShape(VectorOperators.L2I, HALF_INTS, 0)).reinterpretAsFloats()
                  .intoArray(buf, e + q / 2);
              ((IntVector) v.lanewise(VectorOperators.LSHR, 32).convertShape(VectorOperators.L2I, HALF_INTS, 0))
                  .reinterpretAsFloats().intoArray(buf, e + half + q / 2);
            }
          }
        }
        for (int co = 0; co < m; co += CO) {
          int rows = Math.min(CO, m - co);
          int o = outOff + (co * oh + oy) * ow;
          for (int j = 0; j < ow; j += L) {
            int q = Math.min(j, ow - L);
            block(buf, tapOff, q, wt, mb, co, bt, lo, hi, rows, out, o + q, oh * ow);
          }
        }
      }
    });
  }

  /** Eight output channels from {@code co} at one vector of an output row (stores only {@code rows} of them). */
  private static void block(float[] buf, int[] tapOff, int q, float[] wt, int mb, int co, float[] bt, float lo,
      float hi, int rows, float[] out, int o, int plane) {
    FloatVector a0 = FloatVector.broadcast(S, bt[co]);
    FloatVector a1 = FloatVector.broadcast(S, bt[co + 1]);
    FloatVector a2 = FloatVector.broadcast(S, bt[co + 2]);
    FloatVector a3 = FloatVector.broadcast(S, bt[co + 3]);
    FloatVector a4 = FloatVector.broadcast(S, bt[co + 4]);
    FloatVector a5 = FloatVector.broadcast(S, bt[co + 5]);
    FloatVector a6 = FloatVector.broadcast(S, bt[co + 6]);
    FloatVector a7 = FloatVector.broadcast(S, bt[co + 7]);
    for (int tap = 0, wo = co; tap < tapOff.length; tap++, wo += mb) {
      FloatVector v = FloatVector.fromArray(S, buf, tapOff[tap] + q);
      a0 = v.fma(FloatVector.broadcast(S, wt[wo]), a0);
      a1 = v.fma(FloatVector.broadcast(S, wt[wo + 1]), a1);
      a2 = v.fma(FloatVector.broadcast(S, wt[wo + 2]), a2);
      a3 = v.fma(FloatVector.broadcast(S, wt[wo + 3]), a3);
      a4 = v.fma(FloatVector.broadcast(S, wt[wo + 4]), a4);
      a5 = v.fma(FloatVector.broadcast(S, wt[wo + 5]), a5);
      a6 = v.fma(FloatVector.broadcast(S, wt[wo + 6]), a6);
      a7 = v.fma(FloatVector.broadcast(S, wt[wo + 7]), a7);
    }
    a0.max(lo).min(hi).intoArray(out, o);
    if (rows == CO) {
      a1.max(lo).min(hi).intoArray(out, o + plane);
      a2.max(lo).min(hi).intoArray(out, o + 2 * plane);
      a3.max(lo).min(hi).intoArray(out, o + 3 * plane);
      a4.max(lo).min(hi).intoArray(out, o + 4 * plane);
      a5.max(lo).min(hi).intoArray(out, o + 5 * plane);
      a6.max(lo).min(hi).intoArray(out, o + 6 * plane);
      a7.max(lo).min(hi).intoArray(out, o + 7 * plane);
      return;
    }
    if (rows > 1) {
      a1.max(lo).min(hi).intoArray(out, o + plane);
    }
    if (rows > 2) {
      a2.max(lo).min(hi).intoArray(out, o + 2 * plane);
    }
    if (rows > 3) {
      a3.max(lo).min(hi).intoArray(out, o + 3 * plane);
    }
    if (rows > 4) {
      a4.max(lo).min(hi).intoArray(out, o + 4 * plane);
    }
    if (rows > 5) {
      a5.max(lo).min(hi).intoArray(out, o + 5 * plane);
    }
    if (rows > 6) {
      a6.max(lo).min(hi).intoArray(out, o + 6 * plane);
    }
  }
}
