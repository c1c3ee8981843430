package dev.mobilize.cpu;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The int8 kernels of {@link Int8Gemm} and {@link Int8Depthwise} on the Vector API; loaded only when
 * {@code jdk.incubator.vector} is present. Results equal the scalar kernels bit for bit.
 *
 * <p>GEMM: a vector of packed X holds, per column, two consecutive k as adjacent 16-bit lanes; it is
 * multiplied by the broadcast weight pair of a row and added to the product of the next pair, still
 * in 16 bits (two int8 products fit). Seen as 32-bit lanes, each lane holds {@code hi << 16 | lo} of
 * one column; it is accumulated as {@code sumHi += lane >> 16} and {@code sumAll += lane ^ 0x8000}
 * (the low half biased to unsigned), from which {@code sum lo = sumAll - sumHi << 16 - 32768 * steps}
 * exactly, in wrapping 32-bit arithmetic.
 */
final class VectorInt8 {

  private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Short> S = VectorSpecies.of(short.class, I.vectorShape());
  private static final VectorSpecies<Float> F = VectorSpecies.of(float.class, I.vectorShape());
  private static final VectorSpecies<Byte> B =
      VectorSpecies.of(byte.class, jdk.incubator.vector.VectorShape.forBitSize(I.vectorBitSize() / 4));
  static final int L = I.length();
  /** Adding and subtracting 1.5 * 2^23 rounds a float of magnitude below 2^22 to an integer, half to even. */
  private static final float MAGIC = 12582912f;

  private VectorInt8() {}

  static boolean probe() {
    return L >= 4 && IntVector.zero(I).add(1).reduceLanes(VectorOperators.ADD) == L && B.length() == L;
  }

  private static ShortVector pair(int w) {
    return IntVector.broadcast(I, w).reinterpretAsShorts();
  }

  /** See {@link Int8Gemm#block}. */
  static void block(int[] wp, int row0, int kp, short[] bp, int np, int r0, int r1, int j0, int j1, int n,
      int[] bias, Requantize rq, byte[] out, int outOff) {
    int r = r0;
    for (; r + 4 <= r1; r += 4) {
      for (int j = j0; j < j1; j += L) {
        kernel4(wp, row0 + r, kp, bp, np, j, Math.min(L, j1 - j), n, bias, rq, out, outOff + r * n + j);
      }
    }
    for (; r < r1; r++) {
      for (int j = j0; j < j1; j += L) {
        kernel1(wp, row0 + r, kp, bp, np, j, Math.min(L, j1 - j), bias, rq, out, outOff + r * n + j);
      }
    }
  }

  private static void kernel4(int[] wp, int c, int kp, short[] bp, int np, int j, int valid, int n, int[] bias,
      Requantize rq, byte[] out, int o) {
    IntVector h0 = IntVector.zero(I);
    IntVector h1 = h0;
    IntVector h2 = h0;
    IntVector h3 = h0;
    IntVector a0 = h0;
    IntVector a1 = h0;
    IntVector a2 = h0;
    IntVector a3 = h0;
    int w0 = c * kp;
    int w1 = w0 + kp;
    int w2 = w1 + kp;
    int w3 = w2 + kp;
    int step = 2 * np;
    for (int p = 0, bo = 2 * j; p < kp; p += 2, bo += 2 * step) {
      ShortVector b0 = ShortVector.fromArray(S, bp, bo);
      ShortVector b1 = ShortVector.fromArray(S, bp, bo + step);
      IntVector s0 = b0.mul(pair(wp[w0 + p])).add(b1.mul(pair(wp[w0 + p + 1]))).reinterpretAsInts();
      IntVector s1 = b0.mul(pair(wp[w1 + p])).add(b1.mul(pair(wp[w1 + p + 1]))).reinterpretAsInts();
      IntVector s2 = b0.mul(pair(wp[w2 + p])).add(b1.mul(pair(wp[w2 + p + 1]))).reinterpretAsInts();
      IntVector s3 = b0.mul(pair(wp[w3 + p])).add(b1.mul(pair(wp[w3 + p + 1]))).reinterpretAsInts();
      h0 = h0.add(s0.lanewise(VectorOperators.ASHR, 16));
      h1 = h1.add(s1.lanewise(VectorOperators.ASHR, 16));
      h2 = h2.add(s2.lanewise(VectorOperators.ASHR, 16));
      h3 = h3.add(s3.lanewise(VectorOperators.ASHR, 16));
      a0 = a0.add(s0.lanewise(VectorOperators.XOR, 0x8000));
      a1 = a1.add(s1.lanewise(VectorOperators.XOR, 0x8000));
      a2 = a2.add(s2.lanewise(VectorOperators.XOR, 0x8000));
      a3 = a3.add(s3.lanewise(VectorOperators.XOR, 0x8000));
    }
    int bias0 = -32768 * (kp / 2);
    store(sum(h0, a0, bias0 + (bias == null ? 0 : bias[c])), c, rq, valid, out, o);
    store(sum(h1, a1, bias0 + (bias == null ? 0 : bias[c + 1])), c + 1, rq, valid, out, o + n);
    store(sum(h2, a2, bias0 + (bias == null ? 0 : bias[c + 2])), c + 2, rq, valid, out, o + 2 * n);
    store(sum(h3, a3, bias0 + (bias == null ? 0 : bias[c + 3])), c + 3, rq, valid, out, o + 3 * n);
  }

  private static void kernel1(int[] wp, int c, int kp, short[] bp, int np, int j, int valid, int[] bias,
      Requantize rq, byte[] out, int o) {
    IntVector h = IntVector.zero(I);
    IntVector a = h;
    int w = c * kp;
    int step = 2 * np;
    for (int p = 0, bo = 2 * j; p < kp; p += 2, bo += 2 * step) {
      ShortVector b0 = ShortVector.fromArray(S, bp, bo);
      ShortVector b1 = ShortVector.fromArray(S, bp, bo + step);
      IntVector s = b0.mul(pair(wp[w + p])).add(b1.mul(pair(wp[w + p + 1]))).reinterpretAsInts();
      h = h.add(s.lanewise(VectorOperators.ASHR, 16));
      a = a.add(s.lanewise(VectorOperators.XOR, 0x8000));
    }
    store(sum(h, a, -32768 * (kp / 2) + (bias == null ? 0 : bias[c])), c, rq, valid, out, o);
  }

  /** {@code hi + lo + add} where {@code lo = all - hi << 16} (see the class comment). */
  private static IntVector sum(IntVector hi, IntVector all, int add) {
    return all.sub(hi.lanewise(VectorOperators.LSHL, 16)).add(hi).add(add);
  }

  /** Requantizes the int32 sums of channel {@code c} and stores the first {@code valid} as bytes. */
  static void store(IntVector acc, int c, Requantize rq, int valid, byte[] out, int o) {
    if (rq.post != null || valid < L) {
      int[] t = new int[L];
      acc.intoArray(t, 0);
      for (int i = 0; i < valid; i++) {
        out[o + i] = (byte) rq.apply(t[i], c);
      }
      return;
    }
    FloatVector v = ((FloatVector) acc.convert(VectorOperators.I2F, 0)).mul(rq.mult[c]);
    // beyond +-256 the final clamp to int8 decides alone; inside it the magic constant rounds exactly
    v = v.max(-256f).min(256f).add(MAGIC).sub(MAGIC);
    IntVector q = ((IntVector) v.convert(VectorOperators.F2I, 0)).max(rq.lo).min(rq.hi);
    ((ByteVector) q.convertShape(VectorOperators.I2B, B, 0)).intoArray(out, o);
  }

  /**
   * One output row of a depthwise channel: {@code out[o + x] = requantize(bias + sum over taps of
   * w[t] * plane[rowOff[t] + colOff[t] + x])} for {@code x} in {@code [0, width)}.
   */
  static void depthwiseRow(int[] plane, int[] tapOff, int[] w, int base, int width, int bias, int c, Requantize rq,
      byte[] out, int o) {
    int x = 0;
    for (; x + L <= width; x += L) {
      IntVector acc = IntVector.broadcast(I, bias);
      for (int t = 0; t < w.length; t++) {
        acc = acc.add(IntVector.fromArray(I, plane, base + tapOff[t] + x).mul(w[t]));
      }
      store(acc, c, rq, L, out, o + x);
    }
    for (; x < width; x++) {
      int acc = bias;
      for (int t = 0; t < w.length; t++) {
        acc += plane[base + tapOff[t] + x] * w[t];
      }
      out[o + x] = (byte) rq.apply(acc, c);
    }
  }
}
