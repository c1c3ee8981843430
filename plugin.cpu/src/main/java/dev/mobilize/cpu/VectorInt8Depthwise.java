package dev.mobilize.cpu;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Int8 depthwise 3x3 convolution (stride 1 or 2, dilation 1) in one pass over bytes, for
 * {@link Int8DepthwiseOnFloats}, on the plane-wise paths the float kernel ({@link VectorDepthwise}) takes for
 * the same geometry (small planes, which it runs a vector of planes at a time, are chunked by
 * {@link Int8DepthwiseOnFloats} instead): the input rows pass through a ring of three zero-bordered float rows,
 * filled by widening {@code x - zeroPoint} straight from the int8 input (stride 2: split into even and
 * odd columns, as {@link VectorDepthwise#rows2} does), each output row is 9 fused multiply-adds per
 * vector starting from the bias, and the sums are requantized in registers and stored as int8. So no
 * float plane is ever written: the float path of {@link Int8DepthwiseOnFloats} widened whole planes,
 * copied them again into the float kernel's ring, stored float sums and read them back to requantize.
 *
 * <p>Exact as {@link Int8DepthwiseOnFloats} explains: every partial sum (bias included, when the
 * channel's bias is a float, {@code floatBias[c]}) is an integer a float holds, so the float sums are the
 * int32 sums whatever the order, and {@code (sum + bias) * mult} rounds as {@link VectorInt8#requantizeSums}
 * does. A channel whose bias is not exact in float ({@code floatBias[c]} NaN) gets float sums without the
 * bias and {@link Requantize#apply} on the int32 sum. Only for clamping activations
 * ({@code rq.post == null}). Loaded only when {@code jdk.incubator.vector} is present.
 */
final class VectorInt8Depthwise {

  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final int L = F.length();
  private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
  private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(F.vectorBitSize() / 4));
  /** Ints in half a vector: the low (or high) halves of a vector's longs. */
  private static final VectorSpecies<Integer> HALF_INTS = VectorSpecies.of(int.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
  /** Adding and subtracting 1.5 * 2^23 rounds a float of magnitude below 2^22 to an integer, half to even. */
  private static final float MAGIC = 12582912f;
  private static final int MAGIC_BITS = Float.floatToRawIntBits(MAGIC);

  private VectorInt8Depthwise() {}

  /** Whether this kernel runs {@code win} with requantization {@code rq} (clamping activations only). */
  static boolean supports(ConvGeometry.Window win, Requantize rq) {
    return rq.post == null && B.length() == L && VectorDepthwise.supports(win);
  }

  private static int roundUp(int v) {
    return (v + L - 1) / L * L;
  }

  /**
   * All {@code n * c} planes of {@code x} ({@code n x c x h x wd}, int8 with {@code zeroPoint}) into
   * {@code out} ({@code n x c x oh x ow}); {@code w} holds 9 weights per channel as floats.
   */
  static void conv3x3(byte[] x, int zeroPoint, float[] w, float[] floatBias, int[] bias, Requantize rq, byte[] out,
      int n, int c, int h, int wd, ConvGeometry.Window win, Parallel parallel) {
    if (win.stride[0] == 1 && win.out[1] >= 2 * L) {
      rows(x, zeroPoint, w, floatBias, bias, rq, out, n, c, h, wd, win, parallel);
    } else if (win.stride[0] == 1) {
      flat(x, zeroPoint, w, floatBias, bias, rq, out, n, c, h, wd, win, parallel);
    } else {
      rows2(x, zeroPoint, w, floatBias, bias, rq, out, n, c, h, wd, win, parallel);
    }
  }

  /** Stride 1: a ring of three widened, zero-bordered input rows; output rows requantized as they are computed. */
  private static void rows(byte[] x, int zp, float[] w, float[] floatBias, int[] bias, Requantize rq, byte[] out,
      int n, int c, int h, int wd, ConvGeometry.Window win, Parallel parallel) {
    int oh = win.out[0];
    int ow = win.out[1];
    int pt = win.padBegin[0];
    int pl = win.padBegin[1];
    int owV = roundUp(Math.max(ow, L));
    int pw = owV + 2 + L; // padded row: columns [0, owV + 2) are read
    int copy = Math.max(0, Math.min(wd, pw - pl));
    int sums = 3 * pw; // float sums of a row whose bias is not exact in float
    int planes = n * c;
    int chunks = Math.min(planes, 8 * parallel.threads());
    parallel.forChunks(chunks, (t, chunk) -> {
      float[] buf = parallel.scratch(t, sums + owV);
      java.util.Arrays.fill(buf, 0, 3 * pw, 0f);
      byte[] tmp = new byte[L];
      for (int i = planes * chunk / chunks, end = planes * (chunk + 1) / chunks; i < end; i++) {
        int ch = i % c;
        int xo = i * h * wd;
        int oo = i * oh * ow;
        int filled = -1; // padded rows [0, filled] are in the ring
        for (int oy = 0; oy < oh; oy++) {
          for (int r = Math.max(filled + 1, oy); r < oy + 3; r++) {
            int iy = r - pt;
            int o = r % 3 * pw + pl;
            if (iy < 0 || iy >= h) {
              java.util.Arrays.fill(buf, o, o + copy, 0f);
            } else {
              widen(x, xo + iy * wd, zp, buf, o, copy);
            }
            filled = r;
          }
          int a0 = oy % 3 * pw;
          int a1 = (oy + 1) % 3 * pw;
          int a2 = (oy + 2) % 3 * pw;
          outputRow(buf, a0, a1, a2, 1, 2, w, ch, floatBias, bias, rq, ow, owV, sums, tmp, out, oo + oy * ow);
        }
      }
    });
  }

  /**
   * Stride 1, rows narrower than two vectors: the plane is widened into a zero-bordered scratch whose
   * rows ({@code ow + 2} floats) follow each other without gaps, so the output is one flat run of whole
   * vectors ({@link VectorDepthwise#flat}): output {@code (oy, ox)} sits at {@code f = oy * rw + ox} and
   * tap {@code (ky, kx)} reads {@code f + ky * rw + kx}. The run is requantized into a byte row of the
   * same layout, whose positions past a row's end are dropped when the rows are copied out.
   */
  private static void flat(byte[] x, int zp, float[] w, float[] floatBias, int[] bias, Requantize rq, byte[] out,
      int n, int c, int h, int wd, ConvGeometry.Window win, Parallel parallel) {
    int oh = win.out[0];
    int ow = win.out[1];
    int pt = win.padBegin[0];
    int pl = win.padBegin[1];
    int rw = ow + 2; // scratch row length = output row stride in the flat run
    int fv = roundUp(oh * rw);
    int rows = oh + 2;
    int copy = Math.max(0, Math.min(wd, rw - pl)); // input columns that land in a scratch row
    // read up to fv - 1 + 2 rw + 2; the last row's widening spills up to a vector past it
    int size = Math.max(rows * rw + L, fv + 2 * rw + 2);
    int planes = n * c;
    int chunks = Math.min(planes, 8 * parallel.threads());
    parallel.forChunks(chunks, (t, chunk) -> {
      float[] buf = parallel.scratch(t, size + fv);
      byte[] q = new byte[fv];
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
          for (int j = o; j < o + pl; j++) { // the borders are a float or two: loops, not fill calls
            buf[j] = 0f;
          }
          // a spill past the row lands in the next row, which is written after it
          widen(x, xo + iy * wd, zp, buf, o + pl, copy);
          for (int j = o + pl + copy; j < o + rw; j++) {
            buf[j] = 0f;
          }
        }
        java.util.Arrays.fill(buf, rows * rw, size, 0f);
        float b = floatBias[ch];
        int oo = i * oh * ow;
        if (Float.isNaN(b)) {
          rowSums(buf, 0, rw, 2 * rw, 1, 2, w, ch * 9, fv, buf, size);
          for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
              out[oo + oy * ow + ox] = (byte) rq.apply((int) buf[size + oy * rw + ox] + bias[ch], ch);
            }
          }
          continue;
        }
        rowQ(buf, 0, rw, 2 * rw, 1, 2, w, ch * 9, b, rq.mult[ch], rq.lo, rq.hi, rq.zero, fv, q, 0);
        for (int oy = 0; oy < oh; oy++) {
          System.arraycopy(q, oy * rw, out, oo + oy * ow, ow);
        }
      }
    });
  }

  /**
   * Stride 2: each input row is widened into a zero-bordered row and split into its even and odd
   * columns (E, O), which go to a ring of three rows; then {@code x[2oy+ky][2ox+kx]} is
   * {@code E_ky[ox]}, {@code O_ky[ox]}, {@code E_ky[ox+1]}.
   */
  private static void rows2(byte[] x, int zp, float[] w, float[] floatBias, int[] bias, Requantize rq, byte[] out,
      int n, int c, int h, int wd, ConvGeometry.Window win, Parallel parallel) {
    int oh = win.out[0];
    int ow = win.out[1];
    int pt = win.padBegin[0];
    int pl = win.padBegin[1];
    int owV = roundUp(Math.max(ow, L));
    int half = owV + L; // E or O row: [0, owV + 1) is read
    int pw = 2 * owV + L; // padded row: columns [0, 2 owV + 2) are split, a vector at a time
    int copy = Math.max(0, Math.min(wd, pw - pl));
    int ring = pw + L; // E of ring row k at ring + 2k half, O right after (the padded row may spill a vector)
    int sums = ring + 6 * half;
    int planes = n * c;
    int chunks = Math.min(planes, 8 * parallel.threads());
    parallel.forChunks(chunks, (t, chunk) -> {
      float[] buf = parallel.scratch(t, sums + owV);
      java.util.Arrays.fill(buf, 0, pw, 0f);
      byte[] tmp = new byte[L];
      for (int i = planes * chunk / chunks, end = planes * (chunk + 1) / chunks; i < end; i++) {
        int ch = i % c;
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
              widen(x, xo + iy * wd, zp, buf, pl, copy);
              split(buf, pw, e, half);
            }
            filled = r;
          }
          int e0 = ring + r0 % 3 * 2 * half;
          int e1 = ring + (r0 + 1) % 3 * 2 * half;
          int e2 = ring + (r0 + 2) % 3 * 2 * half;
          outputRow(buf, e0, e1, e2, half, 1, w, ch, floatBias, bias, rq, ow, owV, sums, tmp, out, oo + oy * ow);
        }
      }
    });
  }

  /**
   * One output row of {@code ow} int8 values at {@code out[o ..]} of channel {@code ch} from the ring rows at
   * {@code a0, a1, a2} (taps at {@code 0, k1, k2}, as {@link #rowQ}): requantized in registers, through the
   * vector-wide {@code tmp} when the row is narrower than a vector, or, for a bias not exact in float, as
   * float sums at {@code buf[sums ..]} (a row of {@code owV}) requantized from int32.
   */
  private static void outputRow(float[] buf, int a0, int a1, int a2, int k1, int k2, float[] w, int ch,
      float[] floatBias, int[] bias, Requantize rq, int ow, int owV, int sums, byte[] tmp, byte[] out, int o) {
    float b = floatBias[ch];
    int wo = ch * 9;
    if (Float.isNaN(b)) {
      rowSums(buf, a0, a1, a2, k1, k2, w, wo, owV, buf, sums);
      for (int ox = 0; ox < ow; ox++) {
        out[o + ox] = (byte) rq.apply((int) buf[sums + ox] + bias[ch], ch);
      }
    } else if (ow >= L) {
      rowQ(buf, a0, a1, a2, k1, k2, w, wo, b, rq.mult[ch], rq.lo, rq.hi, rq.zero, ow, out, o);
    } else {
      rowQ(buf, a0, a1, a2, k1, k2, w, wo, b, rq.mult[ch], rq.lo, rq.hi, rq.zero, L, tmp, 0);
      System.arraycopy(tmp, 0, out, o, ow);
    }
  }

  /**
   * {@code f[fo + i] = x[xo + i] - zp} for {@code i} in {@code [0, count)}; up to the next whole vector
   * past {@code count} is left zero (so a zero border there stays zero).
   */
  private static void widen(byte[] x, int xo, int zp, float[] f, int fo, int count) {
    FloatVector z = FloatVector.broadcast(F, (float) zp);
    int i = 0;
    int whole = roundUp(count);
    if (xo + whole <= x.length && fo + whole <= f.length) {
      // whole vectors, then the floats past count back to zero (cheaper than a scalar tail)
      for (; i < count; i += L) {
        ((FloatVector) ByteVector.fromArray(B, x, xo + i).convertShape(VectorOperators.B2F, F, 0))
            .sub(z).intoArray(f, fo + i);
      }
      for (int j = fo + count; j < fo + whole; j++) { // a few floats: a loop costs less than a fill call
        f[j] = 0f;
      }
      return;
    }
    for (; i + L <= count; i += L) {
      ((FloatVector) ByteVector.fromArray(B, x, xo + i).convertShape(VectorOperators.B2F, F, 0))
          .sub(z).intoArray(f, fo + i);
    }
    for (; i < count; i++) {
      f[fo + i] = x[xo + i] - zp;
    }
  }

  /** The padded row {@code buf[0, pw)} split into its even columns at {@code e} and odd ones at {@code e + half}. */
  private static void split(float[] buf, int pw, int e, int half) {
    for (int q = 0; q < pw; q += L) {
      LongVector v = FloatVector.fromArray(F, buf, q).reinterpretAsLongs();
      ((IntVector) v.convertShape(VectorOperators.L2I, HALF_INTS, 0)).reinterpretAsFloats().intoArray(buf, e + q / 2);
      ((IntVector) v.lanewise(VectorOperators.LSHR, 32).convertShape(VectorOperators.L2I, HALF_INTS, 0))
          .reinterpretAsFloats().intoArray(buf, e + half + q / 2);
    }
  }

  /**
   * One output row of {@code count >= L} int8 values at {@code out[o ..]}: tap {@code (ky, kx)} of output
   * {@code j} reads {@code buf[a_ky + j + off(kx)]} with {@code off = 0, k1, k2} (stride 1: 0, 1, 2;
   * stride 2 on split rows: E, O, E + 1 as {@code 0, half, 1}); the sum starts from the bias {@code b} and
   * is requantized in registers ({@code clamp(rint(acc * mult), lo, hi) + zero}). When {@code count} is not
   * whole vectors the last vector overlaps the one before.
   */
  private static void rowQ(float[] buf, int a0, int a1, int a2, int k1, int k2, float[] w, int wo, float b,
      float mult, int lo, int hi, int zero, int count, byte[] out, int o) {
    FloatVector w00 = FloatVector.broadcast(F, w[wo]);
    FloatVector w01 = FloatVector.broadcast(F, w[wo + 1]);
    FloatVector w02 = FloatVector.broadcast(F, w[wo + 2]);
    FloatVector w10 = FloatVector.broadcast(F, w[wo + 3]);
    FloatVector w11 = FloatVector.broadcast(F, w[wo + 4]);
    FloatVector w12 = FloatVector.broadcast(F, w[wo + 5]);
    FloatVector w20 = FloatVector.broadcast(F, w[wo + 6]);
    FloatVector w21 = FloatVector.broadcast(F, w[wo + 7]);
    FloatVector w22 = FloatVector.broadcast(F, w[wo + 8]);
    FloatVector bv = FloatVector.broadcast(F, b);
    FloatVector mv = FloatVector.broadcast(F, mult);
    FloatVector lov = FloatVector.broadcast(F, (float) lo);
    FloatVector hiv = FloatVector.broadcast(F, (float) hi);
    FloatVector magic = FloatVector.broadcast(F, MAGIC);
    IntVector magicBits = IntVector.broadcast(I, MAGIC_BITS - zero); // rounds, then adds the zero point
    for (int j = 0; j < count; j += L) {
      int q = Math.min(j, count - L);
      FloatVector acc = FloatVector.fromArray(F, buf, a0 + q).fma(w00, bv);
      acc = FloatVector.fromArray(F, buf, a0 + q + k1).fma(w01, acc);
      acc = FloatVector.fromArray(F, buf, a0 + q + k2).fma(w02, acc);
      acc = FloatVector.fromArray(F, buf, a1 + q).fma(w10, acc);
      acc = FloatVector.fromArray(F, buf, a1 + q + k1).fma(w11, acc);
      acc = FloatVector.fromArray(F, buf, a1 + q + k2).fma(w12, acc);
      acc = FloatVector.fromArray(F, buf, a2 + q).fma(w20, acc);
      acc = FloatVector.fromArray(F, buf, a2 + q + k1).fma(w21, acc);
      acc = FloatVector.fromArray(F, buf, a2 + q + k2).fma(w22, acc);
      // clamping to the integers lo, hi before rounding equals clamping after it (rounding is monotone), by
      // compare and blend (cheaper than the vector max and min, which order signed zeros and NaN)
      FloatVector v = acc.mul(mv);
      v = v.blend(lov, v.lt(lov));
      v.blend(hiv, v.compare(VectorOperators.GT, hiv)).add(magic).reinterpretAsInts().sub(magicBits)
          .convertShape(VectorOperators.I2B, B, 0).reinterpretAsBytes().intoArray(out, o + q);
    }
  }

  /** As {@link #rowQ} without bias and requantization: float sums of {@code count} (whole vectors) at {@code s[so ..]}. */
  private static void rowSums(float[] buf, int a0, int a1, int a2, int k1, int k2, float[] w, int wo, int count,
      float[] s, int so) {
    for (int q = 0; q < count; q += L) {
      FloatVector acc = FloatVector.fromArray(F, buf, a0 + q).mul(w[wo]);
      acc = FloatVector.fromArray(F, buf, a0 + q + k1).fma(FloatVector.broadcast(F, w[wo + 1]), acc);
      acc = FloatVector.fromArray(F, buf, a0 + q + k2).fma(FloatVector.broadcast(F, w[wo + 2]), acc);
      acc = FloatVector.fromArray(F, buf, a1 + q).fma(FloatVector.broadcast(F, w[wo + 3]), acc);
      acc = FloatVector.fromArray(F, buf, a1 + q + k1).fma(FloatVector.broadcast(F, w[wo + 4]), acc);
      acc = FloatVector.fromArray(F, buf, a1 + q + k2).fma(FloatVector.broadcast(F, w[wo + 5]), acc);
      acc = FloatVector.fromArray(F, buf, a2 + q).fma(FloatVector.broadcast(F, w[wo + 6]), acc);
      acc = FloatVector.fromArray(F, buf, a2 + q + k1).fma(FloatVector.broadcast(F, w[wo + 7]), acc);
      acc = FloatVector.fromArray(F, buf, a2 + q + k2).fma(FloatVector.broadcast(F, w[wo + 8]), acc);
      acc.intoArray(s, so + q);
    }
  }
}
