package dev.mobilize.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise 3x3 convolution (stride 1 or 2, dilation 1) on the Vector API; every tap is a contiguous
 * vector load.
 * <ul>
 *   <li>Small output planes ({@link #channels}): {@link #L} planes at a time, interleaved pixel-major
 *       by gathers, so that each output pixel is 9 vector FMAs at either stride, and scattered back.
 *   <li>Stride 1, wide rows ({@link #rows}): input rows pass through a ring of three zero-bordered row
 *       buffers, each output row is stored straight into the output.
 *   <li>Stride 1, small planes ({@link #flat}): the plane is copied into a zero-bordered scratch whose
 *       rows follow each other without gaps, so the output is one flat run of whole vectors, row ends
 *       included: output {@code (oy, ox)} sits at {@code f = oy * rw + ox} and tap {@code (ky, kx)}
 *       reads {@code f + ky * rw + kx}; the positions past a row's end are dropped when the rows are
 *       copied out.
 *   <li>Stride 2 ({@link #rows2}): the ring holds each input row split into its even and odd columns,
 *       so that {@code x[2oy+ky][2ox+kx]} is {@code E[ox]}, {@code O[ox]}, {@code E[ox+1]}.
 * </ul>
 * Except in {@link #channels} the planes, not the channels, are vectorised; the output is NCHW. Bias and the clamp are
 * applied in registers. Loaded only when {@code jdk.incubator.vector} is present.
 */
final class VectorDepthwise {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  /** Ints in half a vector: the low (or high) halves of a vector's longs. */
  private static final VectorSpecies<Integer> HALF_INTS =
      VectorSpecies.of(int.class, VectorShape.forBitSize(S.vectorBitSize() / 2));

  /**
   * Output planes of at most this many pixels (MobileNet's 7x7) go through {@link #channels}: there the
   * per-row work of the plane-wise paths costs more than interleaving (measured 2x faster at 7x7 with
   * stride 1 and 2, no faster at 14x14 stride 1; for 14x14 at stride 2 see {@link #SMALL_PLANE_S2}).
   */
  static final int SMALL_PLANE = 64;
  /**
   * Stride 2 output planes of at most this many pixels (MobileNet's 14x14) go through {@link #channels}
   * too: measured 1.38x faster than {@link #rows2} there (192 channels, 28x28 to 14x14, one thread), where
   * each output row is a single vector.
   */
  static final int SMALL_PLANE_S2 = 196;

  private VectorDepthwise() {}

  /** Whether {@link #conv3x3} handles this window. */
  static boolean supports(ConvGeometry.Window win) {
    return win.kernel[0] == 3 && win.kernel[1] == 3 && win.dilation[0] == 1 && win.dilation[1] == 1
        && win.stride[0] == win.stride[1] && (win.stride[0] == 1 || win.stride[0] == 2)
        && win.padBegin[0] <= 2 && win.padBegin[1] <= 2;
  }

  /**
   * {@code min(max(v, lo), hi)} by compare and blend, cheaper here than the vector max and min (which
   * order signed zeros); NaN stays NaN, as with {@link Math#max}.
   */
  private static FloatVector clamp(FloatVector v, FloatVector lo, FloatVector hi) {
    FloatVector u = v.blend(lo, v.compare(VectorOperators.LE, lo));
    return u.blend(hi, u.compare(VectorOperators.GE, hi));
  }

  private static int roundUp(int v) {
    return (v + L - 1) / L * L;
  }

  /**
   * All {@code n * c} planes; {@code w} holds 9 weights per channel. Output planes of at most
   * {@link #SMALL_PLANE} pixels (at stride 2 {@link #SMALL_PLANE_S2}) run {@link #channels}; else stride 2
   * runs {@link #rows2}, stride 1 {@link #rows} for rows of at least two vectors, else {@link #flat}.
   */
  static void conv3x3(float[] x, float[] w, float[] bias, float[] out, int n, int c, int h, int wd,
      ConvGeometry.Window win, Activation act, Parallel parallel) {
    conv3x3(x, w, bias, out, n, c, h, wd, win, act, parallel, win.out[0] * win.out[1]);
  }

  /**
   * As above, choosing the path as for an output plane of {@code plane} pixels: a band of rows of a
   * larger plane ({@link InvertedResidual}) runs the path the whole plane would.
   */
  static void conv3x3(float[] x, float[] w, float[] bias, float[] out, int n, int c, int h, int wd,
      ConvGeometry.Window win, Activation act, Parallel parallel, int plane) {
    if (plane <= SMALL_PLANE || win.stride[0] == 2 && plane <= SMALL_PLANE_S2) {
      channels(x, w, bias, out, n, c, h, wd, win, act, parallel);
    } else if (win.stride[0] == 2) {
      rows2(x, w, bias, out, n, c, h, wd, win, act, parallel);
    } else if (win.out[1] >= 2 * L) {
      rows(x, w, bias, out, n, c, h, wd, win, act, parallel);
    } else {
      flat(x, w, bias, out, n, c, h, wd, win, act, parallel);
    }
  }

  /**
   * Small planes, {@link #L} planes at a time, pixel-major: the planes of a block are interleaved into a
   * zero-bordered scratch where each padded pixel is one vector (lane = plane), so every output pixel is
   * 9 fused multiply-adds of whole vectors at either stride, with no row ends or tails; the results are
   * then de-interleaved into the output planes. Whole blocks move by one gather per input pixel and one
   * scatter per output pixel; the last block of fewer than {@link #L} planes by scalar copies.
   */
  static void channels(float[] x, float[] w, float[] bias, float[] out, int n, int c, int h, int wd,
      ConvGeometry.Window win, Activation act, Parallel parallel) {
    int oh = win.out[0];
    int ow = win.out[1];
    int s = win.stride[0];
    int pt = win.padBegin[0];
    int pl = win.padBegin[1];
    int hp = (oh - 1) * s + 3; // padded rows and columns that are read
    int wp = (ow - 1) * s + 3;
    int rowsIn = Math.max(0, Math.min(h, hp - pt)); // input rows and columns that land in them
    int colsIn = Math.max(0, Math.min(wd, wp - pl));
    int planes = n * c;
    int blocks = (planes + L - 1) / L;
    int chunks = Math.min(blocks, 4 * parallel.threads());
    int inSize = hp * wp * L;
    int outSize = oh * ow * L;
    int plane = oh * ow;
    int[] inIdx = new int[L];
    int[] outIdx = new int[L];
    for (int j = 0; j < L; j++) {
      inIdx[j] = j * h * wd;
      outIdx[j] = j * plane;
    }
    parallel.forChunks(chunks, (t, chunk) -> {
      float[] buf = parallel.scratch(t, inSize + outSize + 10 * L);
      int wts = inSize + outSize; // 9 weight vectors, then the bias vector
      java.util.Arrays.fill(buf, 0, inSize, 0f); // the border stays zero: every block writes the same pixels
      FloatVector lov = FloatVector.broadcast(S, act.lo);
      FloatVector hiv = FloatVector.broadcast(S, act.hi);
      for (int blk = blocks * chunk / chunks, end = blocks * (chunk + 1) / chunks; blk < end; blk++) {
        int p0 = blk * L;
        int lanes = Math.min(L, planes - p0);
        for (int j = 0; j < lanes; j++) {
          int ch = (p0 + j) % c;
          for (int tap = 0; tap < 9; tap++) {
            buf[wts + tap * L + j] = w[ch * 9 + tap];
          }
          buf[wts + 9 * L + j] = bias == null ? 0f : bias[ch];
          if (lanes < L) {
            int src = (p0 + j) * h * wd;
            for (int iy = 0; iy < rowsIn; iy++) {
              int o = ((iy + pt) * wp + pl) * L + j;
              int xi = src + iy * wd;
              for (int ix = 0; ix < colsIn; ix++) {
                buf[o + ix * L] = x[xi + ix];
              }
            }
          }
        }
        if (lanes == L) { // whole blocks: one gather per pixel
          int src = p0 * h * wd;
          for (int iy = 0; iy < rowsIn; iy++) {
            int o = ((iy + pt) * wp + pl) * L;
            int xi = src + iy * wd;
            for (int ix = 0; ix < colsIn; ix++) {
              FloatVector.fromArray(S, x, xi + ix, inIdx, 0).intoArray(buf, o + ix * L);
            }
          }
        }
        for (int j = lanes; j < L; j++) {
          for (int tap = 0; tap <= 9; tap++) {
            buf[wts + tap * L + j] = 0f;
          }
        }
        pixels(buf, wp, s, oh, ow, wts, lov, hiv, inSize);
        if (lanes == L) { // whole blocks: one scatter per pixel
          int dst = p0 * plane;
          for (int q = 0; q < plane; q++) {
            FloatVector.fromArray(S, buf, inSize + q * L).intoArray(out, dst + q, outIdx, 0);
          }
        }
        for (int j = 0; j < lanes; j++) {
          int dst = (p0 + j) * plane;
          if (lanes < L) {
            for (int q = 0; q < plane; q++) {
              out[dst + q] = buf[inSize + q * L + j];
            }
          }
          act.applyPost(out, dst, dst + plane);
        }
      }
    });
  }

  /** The output pixels of {@link #channels}: {@code buf[oo + (oy * ow + ox) * L]} from the padded input at 0. */
  private static void pixels(float[] buf, int wp, int s, int oh, int ow, int wts, FloatVector lov, FloatVector hiv,
      int oo) {
    FloatVector w00 = FloatVector.fromArray(S, buf, wts);
    FloatVector w01 = FloatVector.fromArray(S, buf, wts + L);
    FloatVector w02 = FloatVector.fromArray(S, buf, wts + 2 * L);
    FloatVector w10 = FloatVector.fromArray(S, buf, wts + 3 * L);
    FloatVector w11 = FloatVector.fromArray(S, buf, wts + 4 * L);
    FloatVector w12 = FloatVector.fromArray(S, buf, wts + 5 * L);
    FloatVector w20 = FloatVector.fromArray(S, buf, wts + 6 * L);
    FloatVector w21 = FloatVector.fromArray(S, buf, wts + 7 * L);
    FloatVector w22 = FloatVector.fromArray(S, buf, wts + 8 * L);
    FloatVector bv = FloatVector.fromArray(S, buf, wts + 9 * L);
    int row = wp * L;
    int step = s * L;
    for (int oy = 0, o = oo; oy < oh; oy++) {
      for (int ox = 0, a = oy * s * row; ox < ow; ox++, a += step, o += L) {
        FloatVector acc = FloatVector.fromArray(S, buf, a).fma(w00, bv);
        acc = FloatVector.fromArray(S, buf, a + L).fma(w01, acc);
        acc = FloatVector.fromArray(S, buf, a + 2 * L).fma(w02, acc);
        acc = FloatVector.fromArray(S, buf, a + row).fma(w10, acc);
        acc = FloatVector.fromArray(S, buf, a + row + L).fma(w11, acc);
        acc = FloatVector.fromArray(S, buf, a + row + 2 * L).fma(w12, acc);
        acc = FloatVector.fromArray(S, buf, a + 2 * row).fma(w20, acc);
        acc = FloatVector.fromArray(S, buf, a + 2 * row + L).fma(w21, acc);
        acc = FloatVector.fromArray(S, buf, a + 2 * row + 2 * L).fma(w22, acc);
        clamp(acc, lov, hiv).intoArray(buf, o);
      }
    }
  }

  /**
   * Stride 1, row by row: the input rows pass through a ring of three zero-bordered row buffers (each
   * input row is copied once, into L1), and each output row is 9 fused multiply-adds per vector,
   * stored straight into the output (the last vector overlapping the one before).
   */
  static void rows(float[] x, float[] w, float[] bias, float[] out, int n, int c, int h, int wd,
      ConvGeometry.Window win, Activation act, Parallel parallel) {
    int oh = win.out[0];
    int ow = win.out[1];
    int pt = win.padBegin[0];
    int pl = win.padBegin[1];
    int pw = roundUp(ow) + 2 + L; // padded row: columns [0, roundUp(ow) + 2) are read
    int copy = Math.max(0, Math.min(wd, pw - pl));
    int planes = n * c;
    int chunks = Math.min(planes, 8 * parallel.threads());
    parallel.forChunks(chunks, (t, chunk) -> {
      float[] buf = parallel.scratch(t, 3 * pw);
      java.util.Arrays.fill(buf, 0, 3 * pw, 0f);
      for (int i = planes * chunk / chunks, end = planes * (chunk + 1) / chunks; i < end; i++) {
        int wo = i % c * 9;
        float b = bias == null ? 0f : bias[i % c];
        int xo = i * h * wd;
        int oo = i * oh * ow;
        int filled = -1; // padded rows [0, filled] have been copied into the ring
        for (int oy = 0; oy < oh; oy++) {
          int r0 = oy;
          for (int r = Math.max(filled + 1, r0); r < r0 + 3; r++) {
            int iy = r - pt;
            int o = r % 3 * pw + pl;
            if (iy < 0 || iy >= h) {
              java.util.Arrays.fill(buf, o, o + copy, 0f);
            } else {
              System.arraycopy(x, xo + iy * wd, buf, o, copy);
            }
            filled = r;
          }
          int a0 = r0 % 3 * pw;
          int a1 = (r0 + 1) % 3 * pw;
          int a2 = (r0 + 2) % 3 * pw;
          row(buf, a0, a1, a2, w, wo, b, act.lo, act.hi, ow, out, oo + oy * ow);
        }
        act.applyPost(out, oo, oo + oh * ow);
      }
    });
  }

  /**
   * Stride 2, row by row: each input row is copied into a zero-bordered row buffer and split into
   * its even and odd columns (a vector at a time: as longs, the low and high halves), which go to a
   * ring of three rows; then {@code x[2oy+ky][2ox+kx]} is {@code E_ky[ox]}, {@code O_ky[ox]},
   * {@code E_ky[ox+1]} for {@code kx = 0, 1, 2}, contiguous again.
   */
  static void rows2(float[] x, float[] w, float[] bias, float[] out, int n, int c, int h, int wd,
      ConvGeometry.Window win, Activation act, Parallel parallel) {
    int oh = win.out[0];
    int ow = win.out[1];
    int pt = win.padBegin[0];
    int pl = win.padBegin[1];
    int owV = roundUp(ow);
    int half = owV + L; // E or O row: [0, owV + 1) is read
    int pw = 2 * owV + L; // padded row: columns [0, 2 owV + 2) are split, a vector at a time
    int copy = Math.max(0, Math.min(wd, pw - pl));
    int ring = pw; // E of ring row k at ring + 2k half, O right after
    int tmp = ring + 6 * half;
    int planes = n * c;
    int chunks = Math.min(planes, 8 * parallel.threads());
    parallel.forChunks(chunks, (t, chunk) -> {
      float[] buf = parallel.scratch(t, tmp + owV);
      java.util.Arrays.fill(buf, 0, pw, 0f);
      for (int i = planes * chunk / chunks, end = planes * (chunk + 1) / chunks; i < end; i++) {
        int wo = i % c * 9;
        float b = bias == null ? 0f : bias[i % c];
        int xo = i * h * wd;
        int oo = i * oh * ow;
        int filled = -1; // padded rows [0, filled] are in the ring
        for (int oy = 0; oy < oh; oy++) {
          int r0 = 2 * oy;
          for (int r = Math.max(filled + 1, r0); r < r0 + 3; r++) {
            int iy = r - pt;
            int e = ring + r % 3 * 2 * half;
            if (iy < 0 || iy >= h) {
              java.util.Arrays.fill(buf, e, e + 2 * half, 0f);
            } else {
              System.arraycopy(x, xo + iy * wd, buf, pl, copy);
              for (int q = 0; q < pw; q += L) {
                LongVector v = FloatVector.fromArray(S, buf, q).reinterpretAsLongs();
                ((IntVector) v.convertShape(VectorOperators.L2I, HALF_INTS, 0)).reinterpretAsFloats()
                    .intoArray(buf, e + q / 2);
                ((IntVector) v.lanewise(VectorOperators.LSHR, 32).convertShape(VectorOperators.L2I, HALF_INTS, 0))
                    .reinterpretAsFloats().intoArray(buf, e + half + q / 2);
              }
            }
            filled = r;
          }
          int e0 = ring + r0 % 3 * 2 * half;
          int e1 = ring + (r0 + 1) % 3 * 2 * half;
          int e2 = ring + (r0 + 2) % 3 * 2 * half;
          int o = oo + oy * ow;
          if (ow >= L) {
            row2(buf, e0, e1, e2, half, w, wo, b, act.lo, act.hi, ow, out, o);
          } else {
            row2(buf, e0, e1, e2, half, w, wo, b, act.lo, act.hi, L, buf, tmp);
            System.arraycopy(buf, tmp, out, o, ow);
          }
        }
        act.applyPost(out, oo, oo + oh * ow);
      }
    });
  }

  /**
   * One stride-2 output row of {@code n >= L} columns from the split rows of {@link #rows2} (E at
   * {@code e_ky}, O at {@code e_ky + half}); the last vector may overlap the one before.
   */
  private static void row2(float[] buf, int e0, int e1, int e2, int half, float[] w, int wo, float b, float lo,
      float hi, int n, float[] out, int o) {
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
    FloatVector lov = FloatVector.broadcast(S, lo);
    FloatVector hiv = FloatVector.broadcast(S, hi);
    for (int j = 0; j < n; j += L) {
      int q = Math.min(j, n - L);
      FloatVector acc = FloatVector.fromArray(S, buf, e0 + q).fma(w00, bv);
      acc = FloatVector.fromArray(S, buf, e0 + half + q).fma(w01, acc);
      acc = FloatVector.fromArray(S, buf, e0 + q + 1).fma(w02, acc);
      acc = FloatVector.fromArray(S, buf, e1 + q).fma(w10, acc);
      acc = FloatVector.fromArray(S, buf, e1 + half + q).fma(w11, acc);
      acc = FloatVector.fromArray(S, buf, e1 + q + 1).fma(w12, acc);
      acc = FloatVector.fromArray(S, buf, e2 + q).fma(w20, acc);
      acc = FloatVector.fromArray(S, buf, e2 + half + q).fma(w21, acc);
      acc = FloatVector.fromArray(S, buf, e2 + q + 1).fma(w22, acc);
      clamp(acc, lov, hiv).intoArray(out, o + q);
    }
  }

  /**
   * One stride-1 output row of {@code n >= L} columns from the padded rows at {@code a0, a1, a2}:
   * {@code out[o + j] = clamp(b + sum w[ky][kx] buf[a_ky + j + kx])}; when {@code n} is not whole
   * vectors the last vector overlaps the one before.
   */
  private static void row(float[] buf, int a0, int a1, int a2, float[] w, int wo, float b, float lo, float hi,
      int n, float[] out, int o) {
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
    FloatVector lov = FloatVector.broadcast(S, lo);
    FloatVector hiv = FloatVector.broadcast(S, hi);
    for (int j = 0; j < n; j += L) {
      int q = Math.min(j, n - L);
      FloatVector acc = FloatVector.fromArray(S, buf, a0 + q).fma(w00, bv);
      acc = FloatVector.fromArray(S, buf, a0 + q + 1).fma(w01, acc);
      acc = FloatVector.fromArray(S, buf, a0 + q + 2).fma(w02, acc);
      acc = FloatVector.fromArray(S, buf, a1 + q).fma(w10, acc);
      acc = FloatVector.fromArray(S, buf, a1 + q + 1).fma(w11, acc);
      acc = FloatVector.fromArray(S, buf, a1 + q + 2).fma(w12, acc);
      acc = FloatVector.fromArray(S, buf, a2 + q).fma(w20, acc);
      acc = FloatVector.fromArray(S, buf, a2 + q + 1).fma(w21, acc);
      acc = FloatVector.fromArray(S, buf, a2 + q + 2).fma(w22, acc);
      clamp(acc, lov, hiv).intoArray(out, o + q);
    }
  }

  /**
   * Small stride-1 planes: the flat run over a whole zero-bordered copy of the plane (see the class
   * comment). Rows are copied in and out a vector at a time; a store that runs past a row's end is
   * overwritten by the next row, only the last row of a plane is copied exactly.
   */
  static void flat(float[] x, float[] w, float[] bias, float[] out, int n, int c, int h, int wd,
      ConvGeometry.Window win, Activation act, Parallel parallel) {
    int oh = win.out[0];
    int ow = win.out[1];
    int pt = win.padBegin[0];
    int pl = win.padBegin[1];
    int rw = ow + 2; // scratch row length = output row stride in the flat run
    int fv = roundUp(oh * rw);
    int rows = oh + 2;
    int copy = Math.min(wd, rw - pl); // input columns that land in a scratch row
    int copyV = roundUp(copy);
    // read up to fv - 1 + 2 rw + 2; row copies spill up to copyV - copy past a row
    int size = Math.max(rows * rw + copyV, fv + 2 * rw + 2);
    int planes = n * c;
    int chunks = Math.min(planes, 8 * parallel.threads());
    parallel.forChunks(chunks, (t, chunk) -> {
      float[] buf = parallel.scratch(t, size + fv + L);
      for (int i = planes * chunk / chunks, end = planes * (chunk + 1) / chunks; i < end; i++) {
        int ch = i % c;
        int xo = i * h * wd;
        for (int r = 0; r < rows; r++) {
          int iy = r - pt;
          int o = r * rw;
          if (iy < 0 || iy >= h) {
            java.util.Arrays.fill(buf, o, o + rw, 0f);
            continue;
          }
          for (int q = 0; q < pl; q++) {
            buf[o + q] = 0f;
          }
          int src = xo + iy * wd;
          if (src + copyV <= x.length) {
            for (int k = 0; k < copy; k += L) {
              FloatVector.fromArray(S, x, src + k).intoArray(buf, o + pl + k);
            }
          } else {
            System.arraycopy(x, src, buf, o + pl, copy);
          }
          for (int q = pl + copy; q < rw; q++) {
            buf[o + q] = 0f;
          }
        }
        // past the last row: zeros (they only reach dropped outputs, but must not be denormal garbage)
        java.util.Arrays.fill(buf, rows * rw, size, 0f);
        flat1(buf, rw, w, ch * 9, bias == null ? 0f : bias[ch], act.lo, act.hi, fv, buf, size);
        int oo = i * oh * ow;
        for (int oy = 0; oy < oh; oy++) {
          if ((oy + 1) * ow + roundUp(ow) - ow <= oh * ow) { // the spill stays in this plane
            for (int k = 0; k < ow; k += L) {
              FloatVector.fromArray(S, buf, size + oy * rw + k).intoArray(out, oo + oy * ow + k);
            }
          } else {
            System.arraycopy(buf, size + oy * rw, out, oo + oy * ow, ow);
          }
        }
        act.applyPost(out, oo, oo + oh * ow);
      }
    });
  }

  /** Stride 1 flat run: {@code out[f] = clamp(b + sum w[ky][kx] buf[f + ky*rw + kx])} for {@code f < fv}. */
  private static void flat1(float[] buf, int rw, float[] w, int wo, float b, float lo, float hi, int fv,
      float[] out, int oo) {
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
    FloatVector lov = FloatVector.broadcast(S, lo);
    FloatVector hiv = FloatVector.broadcast(S, hi);
    for (int f = 0; f < fv; f += L) {
      int r1 = f + rw;
      int r2 = r1 + rw;
      FloatVector acc = FloatVector.fromArray(S, buf, f).fma(w00, bv);
      acc = FloatVector.fromArray(S, buf, f + 1).fma(w01, acc);
      acc = FloatVector.fromArray(S, buf, f + 2).fma(w02, acc);
      acc = FloatVector.fromArray(S, buf, r1).fma(w10, acc);
      acc = FloatVector.fromArray(S, buf, r1 + 1).fma(w11, acc);
      acc = FloatVector.fromArray(S, buf, r1 + 2).fma(w12, acc);
      acc = FloatVector.fromArray(S, buf, r2).fma(w20, acc);
      acc = FloatVector.fromArray(S, buf, r2 + 1).fma(w21, acc);
      acc = FloatVector.fromArray(S, buf, r2 + 2).fma(w22, acc);
      clamp(acc, lov, hiv).intoArray(out, oo + f);
    }
  }
}
