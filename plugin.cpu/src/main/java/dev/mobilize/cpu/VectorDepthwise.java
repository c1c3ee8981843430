package dev.mobilize.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise 3x3 convolution (stride 1 or 2, dilation 1) on the Vector API, one plane at a time:
 * the plane is first copied into a zero-bordered scratch so that every output row is whole vectors
 * of 9 fused multiply-adds with no edge cases. For stride 2 each scratch row holds the even columns
 * and then the odd columns, so the taps are again contiguous: {@code x[2o] = even[o]},
 * {@code x[2o+1] = odd[o]}, {@code x[2o+2] = even[o+1]}. Bias and the clamp are applied before the
 * store. Loaded only when {@code jdk.incubator.vector} is present.
 */
final class VectorDepthwise {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  private VectorDepthwise() {}

  /** Whether {@link #conv3x3} handles this window. */
  static boolean supports(ConvGeometry.Window win) {
    return win.kernel[0] == 3 && win.kernel[1] == 3 && win.dilation[0] == 1 && win.dilation[1] == 1
        && win.stride[0] == win.stride[1] && (win.stride[0] == 1 || win.stride[0] == 2)
        && win.padBegin[0] <= 2 && win.padBegin[1] <= 2;
  }

  /** All {@code n * c} planes; {@code w} holds 9 weights per channel. */
  static void conv3x3(float[] x, float[] w, float[] bias, float[] out, int n, int c, int h, int wd,
      ConvGeometry.Window win, Activation act, Parallel parallel) {
    int oh = win.out[0];
    int ow = win.out[1];
    int s = win.stride[0];
    int owv = (ow + L - 1) / L * L;
    // scratch row: stride 1: owv + 2 columns; stride 2: even (owv + 1) then odd (owv) columns
    int rw = s == 1 ? owv + 2 : 2 * owv + 1;
    int rows = (oh - 1) * s + 3;
    int planes = n * c;
    int chunks = Math.min(planes, 8 * parallel.threads());
    parallel.forChunks(chunks, (t, chunk) -> {
      float[] buf = parallel.scratch(t, rows * rw + L);
      for (int plane = planes * chunk / chunks, end = planes * (chunk + 1) / chunks; plane < end; plane++) {
        int ch = plane % c;
        fill(x, plane * h * wd, h, wd, win, rows, rw, s, owv, buf);
        plane3x3(buf, rw, s, w, ch * 9, bias == null ? 0f : bias[ch], act.lo, act.hi, out, plane * oh * ow, oh,
            ow, buf, rows * rw);
        act.applyPost(out, plane * oh * ow, (plane + 1) * oh * ow);
      }
    });
  }

  /** Copies one input plane into the zero-bordered (for stride 2: deinterleaved) scratch rows. */
  private static void fill(float[] x, int xo, int h, int wd, ConvGeometry.Window win, int rows, int rw, int s,
      int owv, float[] buf) {
    int pt = win.padBegin[0];
    int pl = win.padBegin[1];
    for (int r = 0; r < rows; r++) {
      int iy = r - pt;
      int o = r * rw;
      if (iy < 0 || iy >= h) {
        java.util.Arrays.fill(buf, o, o + rw, 0f);
        continue;
      }
      int src = xo + iy * wd;
      if (s == 1) {
        // padded column p holds x[p - pl]
        int n = Math.min(wd, rw - pl);
        java.util.Arrays.fill(buf, o, o + pl, 0f);
        System.arraycopy(x, src, buf, o + pl, n);
        java.util.Arrays.fill(buf, o + pl + n, o + rw, 0f);
      } else {
        int odd = o + owv + 1;
        for (int i = 0; i <= owv; i++) {
          int col = 2 * i - pl;
          buf[o + i] = col >= 0 && col < wd ? x[src + col] : 0f;
        }
        for (int i = 0; i < owv; i++) {
          int col = 2 * i + 1 - pl;
          buf[odd + i] = col >= 0 && col < wd ? x[src + col] : 0f;
        }
      }
    }
  }

  private static void plane3x3(float[] buf, int rw, int s, float[] w, int wo, float b, float lo, float hi,
      float[] out, int oo, int oh, int ow, float[] tmp, int tmpOff) {
    FloatVector w00 = FloatVector.broadcast(S, w[wo]);
    FloatVector w01 = FloatVector.broadcast(S, w[wo + 1]);
    FloatVector w02 = FloatVector.broadcast(S, w[wo + 2]);
    FloatVector w10 = FloatVector.broadcast(S, w[wo + 3]);
    FloatVector w11 = FloatVector.broadcast(S, w[wo + 4]);
    FloatVector w12 = FloatVector.broadcast(S, w[wo + 5]);
    FloatVector w20 = FloatVector.broadcast(S, w[wo + 6]);
    FloatVector w21 = FloatVector.broadcast(S, w[wo + 7]);
    FloatVector w22 = FloatVector.broadcast(S, w[wo + 8]);
    FloatVector bv = FloatVector.broadcast(S, b);
    // offsets of the three taps of a row: stride 1: p, p+1, p+2; stride 2: even[o], odd[o], even[o+1]
    int t1 = s == 1 ? 1 : (rw + 1) / 2;
    int t2 = s == 1 ? 2 : 1;
    for (int oy = 0; oy < oh; oy++) {
      int r0 = oy * s * rw;
      int r1 = r0 + rw;
      int r2 = r1 + rw;
      int o = oo + oy * ow;
      for (int ox = 0; ox < ow; ox += L) {
        FloatVector acc = FloatVector.fromArray(S, buf, r0 + ox).fma(w00, bv);
        acc = FloatVector.fromArray(S, buf, r0 + ox + t1).fma(w01, acc);
        acc = FloatVector.fromArray(S, buf, r0 + ox + t2).fma(w02, acc);
        acc = FloatVector.fromArray(S, buf, r1 + ox).fma(w10, acc);
        acc = FloatVector.fromArray(S, buf, r1 + ox + t1).fma(w11, acc);
        acc = FloatVector.fromArray(S, buf, r1 + ox + t2).fma(w12, acc);
        acc = FloatVector.fromArray(S, buf, r2 + ox).fma(w20, acc);
        acc = FloatVector.fromArray(S, buf, r2 + ox + t1).fma(w21, acc);
        acc = FloatVector.fromArray(S, buf, r2 + ox + t2).fma(w22, acc);
        acc = acc.max(lo).min(hi);
        if (ox + L <= ow) {
          acc.intoArray(out, o + ox);
        } else {
          acc.intoArray(tmp, tmpOff);
          System.arraycopy(tmp, tmpOff, out, o + ox, ow - ox);
        }
      }
    }
  }
}
