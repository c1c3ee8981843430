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

  /**
   * All {@code n * c} planes; {@code w} holds 9 weights per channel. Whole groups of {@code L} channels
   * run {@link #channelBlocks} when the planes are small, the others run plane by plane.
   */
  static void conv3x3(float[] x, float[] w, float[] bias, float[] out, int n, int c, int h, int wd,
      ConvGeometry.Window win, Activation act, Parallel parallel) {
    int blocked = win.out[0] * win.out[1] <= BLOCKED_MAX_PIXELS ? c / L * L : 0;
    if (blocked > 0) {
      channelBlocks(x, w, bias, out, n, c, blocked, h, wd, win, act, parallel);
    }
    if (blocked < c) {
      planes(x, w, bias, out, n, c, blocked, h, wd, win, act, parallel);
    }
  }

  /** Output planes up to this many pixels run {@link #channelBlocks}. */
  static final int BLOCKED_MAX_PIXELS = Integer.getInteger("mobilize.cpu.dwBlockedMax", 1 << 20);

  /**
   * Channels {@code [0, blocked)} (a multiple of L) L at a time: the L planes are gathered into one
   * zero-bordered scratch with the L channels of each pixel side by side, so one vector holds a pixel
   * of all L channels; each output pixel is 9 fused multiply-adds and one scatter.
   */
  static void channelBlocks(float[] x, float[] w, float[] bias, float[] out, int n, int c, int blocked, int h,
      int wd, ConvGeometry.Window win, Activation act, Parallel parallel) {
    int oh = win.out[0];
    int ow = win.out[1];
    int s = win.stride[0];
    int pt = win.padBegin[0];
    int pl = win.padBegin[1];
    int ph = (oh - 1) * s + 3;
    int pw = (ow - 1) * s + 3;
    int[] inStride = lanes(h * wd);
    int[] outStride = lanes(oh * ow);
    int[] wStride = lanes(9);
    int blocks = blocked / L;
    FloatVector lo = FloatVector.broadcast(S, act.lo);
    FloatVector hi = FloatVector.broadcast(S, act.hi);
    // output rows in bands, so that the gathered input of a band stays in L2
    int band = Math.max(1, Math.min(oh, BAND_FLOATS / (s * pw * L)));
    int bands = (oh + band - 1) / band;
    parallel.forChunks(n * blocks * bands, (t, chunk) -> {
      int img = chunk / (blocks * bands);
      int c0 = chunk / bands % blocks * L;
      int oy0 = chunk % bands * band;
      int oy1 = Math.min(oh, oy0 + band);
      int r0 = oy0 * s;
      int rows = (oy1 - oy0 - 1) * s + 3;
      float[] buf = parallel.scratch(t, rows * pw * L);
      int xb = (img * c + c0) * h * wd;
      for (int r = 0; r < rows; r++) {
        int iy = r0 + r - pt;
        int o = r * pw * L;
        for (int q = 0; q < pw; q++, o += L) {
          int ix = q - pl;
          if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
            FloatVector.fromArray(S, x, xb + iy * wd + ix, inStride, 0).intoArray(buf, o);
          } else {
            FloatVector.zero(S).intoArray(buf, o);
          }
        }
      }
      FloatVector w0 = FloatVector.fromArray(S, w, c0 * 9, wStride, 0);
      FloatVector w1 = FloatVector.fromArray(S, w, c0 * 9 + 1, wStride, 0);
      FloatVector w2 = FloatVector.fromArray(S, w, c0 * 9 + 2, wStride, 0);
      FloatVector w3 = FloatVector.fromArray(S, w, c0 * 9 + 3, wStride, 0);
      FloatVector w4 = FloatVector.fromArray(S, w, c0 * 9 + 4, wStride, 0);
      FloatVector w5 = FloatVector.fromArray(S, w, c0 * 9 + 5, wStride, 0);
      FloatVector w6 = FloatVector.fromArray(S, w, c0 * 9 + 6, wStride, 0);
      FloatVector w7 = FloatVector.fromArray(S, w, c0 * 9 + 7, wStride, 0);
      FloatVector w8 = FloatVector.fromArray(S, w, c0 * 9 + 8, wStride, 0);
      FloatVector b = bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, c0);
      int ob = (img * c + c0) * oh * ow;
      int row = pw * L;
      int step = s * L;
      for (int oy = oy0; oy < oy1; oy++) {
        int p0 = (oy - oy0) * s * row;
        int o = ob + oy * ow;
        for (int ox = 0; ox < ow; ox++, p0 += step, o++) {
          int p1 = p0 + row;
          int p2 = p1 + row;
          FloatVector acc = FloatVector.fromArray(S, buf, p0).fma(w0, b);
          acc = FloatVector.fromArray(S, buf, p0 + L).fma(w1, acc);
          acc = FloatVector.fromArray(S, buf, p0 + 2 * L).fma(w2, acc);
          acc = FloatVector.fromArray(S, buf, p1).fma(w3, acc);
          acc = FloatVector.fromArray(S, buf, p1 + L).fma(w4, acc);
          acc = FloatVector.fromArray(S, buf, p1 + 2 * L).fma(w5, acc);
          acc = FloatVector.fromArray(S, buf, p2).fma(w6, acc);
          acc = FloatVector.fromArray(S, buf, p2 + L).fma(w7, acc);
          acc = FloatVector.fromArray(S, buf, p2 + 2 * L).fma(w8, acc);
          acc.max(lo).min(hi).intoArray(out, o, outStride, 0);
        }
        if (act.post != null) {
          for (int i = 0; i < L; i++) {
            act.applyPost(out, ob + i * oh * ow + oy * ow, ob + i * oh * ow + (oy + 1) * ow);
          }
        }
      }
    });
  }

  /** Floats of gathered input per band: 128 KiB. */
  private static final int BAND_FLOATS = Integer.getInteger("mobilize.cpu.dwBand", 32 * 1024);

  private static int[] lanes(int stride) {
    int[] idx = new int[L];
    for (int i = 0; i < L; i++) {
      idx[i] = i * stride;
    }
    return idx;
  }

  /** Channels {@code [from, c)} of every image, plane by plane. */
  static void planes(float[] x, float[] w, float[] bias, float[] out, int n, int c, int from, int h, int wd,
      ConvGeometry.Window win, Activation act, Parallel parallel) {
    int oh = win.out[0];
    int ow = win.out[1];
    int s = win.stride[0];
    int owv = (ow + L - 1) / L * L;
    // scratch row: stride 1: owv + 2 columns; stride 2: even (owv + 1) then odd (owv) columns
    int rw = s == 1 ? owv + 2 : 2 * owv + 1;
    int rows = (oh - 1) * s + 3;
    int per = c - from;
    int planes = n * per;
    int chunks = Math.min(planes, 8 * parallel.threads());
    parallel.forChunks(chunks, (t, chunk) -> {
      float[] buf = parallel.scratch(t, rows * rw + L);
      for (int i = planes * chunk / chunks, end = planes * (chunk + 1) / chunks; i < end; i++) {
        int ch = from + i % per;
        int plane = i / per * c + ch;
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
        for (int p = 0; p < pl; p++) {
          buf[o + p] = 0f;
        }
        System.arraycopy(x, src, buf, o + pl, n);
        for (int p = pl + n; p < rw; p++) {
          buf[o + p] = 0f;
        }
      } else {
        // even[i] holds x[2i - pl], odd[i] holds x[2i + 1 - pl]
        deinterleave(x, src - pl, wd, pl, buf, o, owv + 1);
        deinterleave(x, src + 1 - pl, wd, pl - 1, buf, o + owv + 1, owv);
      }
    }
  }

  /** {@code buf[o + i] = x[src + 2i]} where {@code 0 <= 2i - shift < wd}, else 0, for {@code i < count}. */
  private static void deinterleave(float[] x, int src, int wd, int shift, float[] buf, int o, int count) {
    int lo = Math.min(count, Math.max(0, (shift + 1) / 2)); // first i with 2i >= shift
    int hi = Math.max(lo, Math.min(count, (wd + shift + 1) / 2)); // first i with 2i - shift >= wd
    for (int i = 0; i < lo; i++) {
      buf[o + i] = 0f;
    }
    for (int i = lo; i < hi; i++) {
      buf[o + i] = x[src + 2 * i];
    }
    for (int i = hi; i < count; i++) {
      buf[o + i] = 0f;
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
