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
 * exactly, in wrapping 32-bit arithmetic. Vectors never cross a call that may not be inlined (sums go
 * through a small int array), and helper calls inside loops are avoided: C2 otherwise boxes them.
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
  /**
   * The bits of {@code MAGIC + r} for a small integer {@code r} are {@code MAGIC_BITS + r}: reading
   * them rounds without a float-to-int conversion, which JDK 17 does not compile to vector code.
   */
  private static final int MAGIC_BITS = Float.floatToRawIntBits(MAGIC);

  private VectorInt8() {}

  static boolean probe() {
    return L >= 4 && IntVector.zero(I).add(1).reduceLanes(VectorOperators.ADD) == L && B.length() == L;
  }

  /** See {@link Int8Gemm#block}. */
  static void block(int[] wp, int row0, int kp, short[] bp, int np, int r0, int r1, int j0, int j1, int n,
      int[] bias, Requantize rq, byte[] out, int outOff) {
    int[] acc = new int[4 * L];
    int r = r0;
    for (; r + 4 <= r1; r += 4) {
      int c = row0 + r;
      for (int j = j0; j < j1; j += L) {
        kernel4(wp, c * kp, kp, bp, 2 * j, 2 * np, acc);
        int valid = Math.min(L, j1 - j);
        for (int i = 0; i < 4; i++) {
          int add = -32768 * (kp / 2) + (bias == null ? 0 : bias[c + i]);
          requantize(acc, i * L, add, c + i, rq, valid, out, outOff + (r + i) * n + j);
        }
      }
    }
    for (; r < r1; r++) {
      int c = row0 + r;
      for (int j = j0; j < j1; j += L) {
        kernel1(wp, c * kp, kp, bp, 2 * j, 2 * np, acc);
        requantize(acc, 0, -32768 * (kp / 2) + (bias == null ? 0 : bias[c]), c, rq, Math.min(L, j1 - j), out,
            outOff + r * n + j);
      }
    }
  }

  /**
   * Four rows of packed W (from {@code wo}, rows {@code kp} apart) times one vector of columns of
   * packed X (from {@code bo}, pairs {@code step} apart): {@code acc[i * L ..]} gets {@code sumAll - sumHi << 16
   * + sumHi} of row i (the caller adds {@code -32768 * kp / 2}).
   */
  private static void kernel4(int[] wp, int wo, int kp, short[] bp, int bo, int step, int[] acc) {
    IntVector sh = IntVector.broadcast(I, 16);
    IntVector flip = IntVector.broadcast(I, 0x8000);
    IntVector h0 = IntVector.zero(I);
    IntVector h1 = h0;
    IntVector h2 = h0;
    IntVector h3 = h0;
    IntVector a0 = h0;
    IntVector a1 = h0;
    IntVector a2 = h0;
    IntVector a3 = h0;
    int w1 = wo + kp;
    int w2 = w1 + kp;
    int w3 = w2 + kp;
    for (int p = 0; p < kp; p += 2, bo += 2 * step) {
      ShortVector b0 = ShortVector.fromArray(S, bp, bo);
      ShortVector b1 = ShortVector.fromArray(S, bp, bo + step);
      IntVector s0 = b0.mul(IntVector.broadcast(I, wp[wo + p]).reinterpretAsShorts())
          .add(b1.mul(IntVector.broadcast(I, wp[wo + p + 1]).reinterpretAsShorts())).reinterpretAsInts();
      IntVector s1 = b0.mul(IntVector.broadcast(I, wp[w1 + p]).reinterpretAsShorts())
          .add(b1.mul(IntVector.broadcast(I, wp[w1 + p + 1]).reinterpretAsShorts())).reinterpretAsInts();
      IntVector s2 = b0.mul(IntVector.broadcast(I, wp[w2 + p]).reinterpretAsShorts())
          .add(b1.mul(IntVector.broadcast(I, wp[w2 + p + 1]).reinterpretAsShorts())).reinterpretAsInts();
      IntVector s3 = b0.mul(IntVector.broadcast(I, wp[w3 + p]).reinterpretAsShorts())
          .add(b1.mul(IntVector.broadcast(I, wp[w3 + p + 1]).reinterpretAsShorts())).reinterpretAsInts();
      h0 = h0.add(s0.lanewise(VectorOperators.ASHR, sh));
      h1 = h1.add(s1.lanewise(VectorOperators.ASHR, sh));
      h2 = h2.add(s2.lanewise(VectorOperators.ASHR, sh));
      h3 = h3.add(s3.lanewise(VectorOperators.ASHR, sh));
      a0 = a0.add(s0.lanewise(VectorOperators.XOR, flip));
      a1 = a1.add(s1.lanewise(VectorOperators.XOR, flip));
      a2 = a2.add(s2.lanewise(VectorOperators.XOR, flip));
      a3 = a3.add(s3.lanewise(VectorOperators.XOR, flip));
    }
    a0.sub(h0.lanewise(VectorOperators.LSHL, sh)).add(h0).intoArray(acc, 0);
    a1.sub(h1.lanewise(VectorOperators.LSHL, sh)).add(h1).intoArray(acc, L);
    a2.sub(h2.lanewise(VectorOperators.LSHL, sh)).add(h2).intoArray(acc, 2 * L);
    a3.sub(h3.lanewise(VectorOperators.LSHL, sh)).add(h3).intoArray(acc, 3 * L);
  }

  /** One row of packed W times one vector of columns, into {@code acc[0 .. L)} (see {@link #kernel4}). */
  private static void kernel1(int[] wp, int wo, int kp, short[] bp, int bo, int step, int[] acc) {
    IntVector sh = IntVector.broadcast(I, 16);
    IntVector flip = IntVector.broadcast(I, 0x8000);
    IntVector h = IntVector.zero(I);
    IntVector a = h;
    for (int p = 0; p < kp; p += 2, bo += 2 * step) {
      ShortVector b0 = ShortVector.fromArray(S, bp, bo);
      ShortVector b1 = ShortVector.fromArray(S, bp, bo + step);
      IntVector s = b0.mul(IntVector.broadcast(I, wp[wo + p]).reinterpretAsShorts())
          .add(b1.mul(IntVector.broadcast(I, wp[wo + p + 1]).reinterpretAsShorts())).reinterpretAsInts();
      h = h.add(s.lanewise(VectorOperators.ASHR, sh));
      a = a.add(s.lanewise(VectorOperators.XOR, flip));
    }
    a.sub(h.lanewise(VectorOperators.LSHL, sh)).add(h).intoArray(acc, 0);
  }

  /**
   * Requantizes {@code acc[off .. off + L) + add} (channel {@code c}) and stores the first
   * {@code valid} as bytes at {@code out[o ..]}. (Storing the lanes one by one instead costs 30 times
   * more: the stores wait for the vector store to the int array.)
   */
  static void requantize(int[] acc, int off, int add, int c, Requantize rq, int valid, byte[] out, int o) {
    if (rq.post != null || valid < L) {
      for (int i = 0; i < valid; i++) {
        out[o + i] = (byte) rq.apply(acc[off + i] + add, c);
      }
      return;
    }
    IntVector s = IntVector.fromArray(I, acc, off).add(IntVector.broadcast(I, add));
    FloatVector v = ((FloatVector) s.convert(VectorOperators.I2F, 0)).mul(FloatVector.broadcast(F, rq.mult[c]));
    // clamping to the integers lo, hi before rounding equals clamping after it; MAGIC then rounds
    v = v.max(FloatVector.broadcast(F, (float) rq.lo)).min(FloatVector.broadcast(F, (float) rq.hi))
        .add(FloatVector.broadcast(F, MAGIC));
    IntVector q = v.reinterpretAsInts().sub(IntVector.broadcast(I, MAGIC_BITS - rq.zero));
    q.convertShape(VectorOperators.I2B, B, 0).reinterpretAsBytes().intoArray(out, o);
  }

  /**
   * {@code out[o + i] = requantize(sums[so + i] + bias)} (channel {@code c}) for {@code i} in
   * {@code [0, count)}, where the sums and {@code sum + bias} are integers a float holds exactly
   * ({@link ExactFloatInt8Conv}), so the float sum is the int32 sum and {@code (sum + bias) * mult}
   * the product {@link Requantize#apply} forms.
   */
  static void requantizeSums(float[] sums, int so, float bias, int c, Requantize rq, int count, byte[] out, int o) {
    if (rq.post == null && count >= L) {
      FloatVector b = FloatVector.broadcast(F, bias);
      FloatVector mult = FloatVector.broadcast(F, rq.mult[c]);
      FloatVector lo = FloatVector.broadcast(F, (float) rq.lo);
      FloatVector hi = FloatVector.broadcast(F, (float) rq.hi);
      FloatVector magic = FloatVector.broadcast(F, MAGIC);
      IntVector magicBits = IntVector.broadcast(I, MAGIC_BITS - rq.zero); // rounds, then adds the zero point
      for (int j = 0; j < count; j += L) {
        int i = Math.min(j, count - L); // the last vector may overlap the one before: same values again
        // clamping to the integers lo, hi before rounding equals clamping after it (rounding is monotone)
        // (compare and blend: cheaper than the vector max and min, which order signed zeros and NaN)
        FloatVector v = FloatVector.fromArray(F, sums, so + i).add(b).mul(mult);
        v = v.blend(lo, v.lt(lo));
        v = v.blend(hi, v.compare(VectorOperators.GT, hi)).add(magic);
        v.reinterpretAsInts().sub(magicBits).convertShape(VectorOperators.I2B, B, 0).reinterpretAsBytes()
            .intoArray(out, o + i);
      }
      return;
    }
    for (int i = 0; i < count; i++) {
      out[o + i] = (byte) rq.apply((int) (sums[so + i] + bias), c);
    }
  }

  /**
   * The residual form of {@link ExactFloatInt8Conv#runResidual} for {@code i} in {@code [o, o + count)}:
   * {@code out[i] = saturate(rint(((sums[i] + bias) * scale + r[i] * rScale) / yScale))}, where
   * {@code sums[i] + bias} is an integer a float holds exactly.
   */
  static void addResidual(float[] sums, int o, float bias, float scale, byte[] r, float rScale, float yScale,
      int count, byte[] out) {
    addResidual(sums, o, bias, scale, r, o, rScale, yScale, count, out, o);
  }

  /** As above with offsets of their own: sums from {@code so}, {@code r} from {@code ro}, {@code out} from {@code o}. */
  static void addResidual(float[] sums, int so, float bias, float scale, byte[] r, int ro, float rScale, float yScale,
      int count, byte[] out, int o) {
    FloatVector b = FloatVector.broadcast(F, bias);
    FloatVector s = FloatVector.broadcast(F, scale);
    FloatVector rs = FloatVector.broadcast(F, rScale);
    FloatVector ys = FloatVector.broadcast(F, yScale);
    FloatVector lo = FloatVector.broadcast(F, -128f);
    FloatVector hi = FloatVector.broadcast(F, 127f);
    FloatVector magic = FloatVector.broadcast(F, MAGIC);
    IntVector magicBits = IntVector.broadcast(I, MAGIC_BITS);
    int i = 0;
    for (; i + L <= count; i += L) {
      FloatVector rv = ((FloatVector) ByteVector.fromArray(B, r, ro + i).convertShape(VectorOperators.B2F, F, 0))
          .mul(rs);
      FloatVector v = FloatVector.fromArray(F, sums, so + i).add(b).mul(s).add(rv).div(ys).max(lo).min(hi).add(magic);
      v.reinterpretAsInts().sub(magicBits).convertShape(VectorOperators.I2B, B, 0).reinterpretAsBytes()
          .intoArray(out, o + i);
    }
    for (; i < count; i++) {
      float y = (sums[so + i] + bias) * scale;
      out[o + i] = (byte) Math.max(-128, Math.min(127, Math.rint((y + r[ro + i] * rScale) / yScale)));
    }
  }

  /**
   * Packs {@code X[0..k)[j0..j1)} minus {@code zeroPoint} ({@code X} int8, rows {@code ldx} apart from
   * {@code off}) as floats in the layout of {@link VectorSgemm#packB}: panels of {@code nr} columns,
   * {@code k} rows each, then a last narrower panel zero-padded to whole vectors.
   */
  static void packB(byte[] x, int off, int ldx, int k, int j0, int j1, int zeroPoint, float[] bp, int nr) {
    int cols = j1 - j0;
    int whole = cols / nr;
    int w = cols - whole * nr;
    int full = w / L * L;
    int wv = (w + L - 1) / L * L;
    int tail = whole * nr * k;
    FloatVector zp = FloatVector.broadcast(F, (float) zeroPoint);
    for (int kk = 0, src = off + j0; kk < k; kk++, src += ldx) {
      int o = kk * nr;
      int sp = src;
      for (int p = 0; p < whole; p++, o += k * nr, sp += nr) {
        for (int v = 0; v < nr; v += L) {
          ((FloatVector) ByteVector.fromArray(B, x, sp + v).convertShape(VectorOperators.B2F, F, 0)).sub(zp)
              .intoArray(bp, o + v);
        }
      }
      if (w > 0) {
        o = tail + kk * wv;
        for (int v = 0; v < full; v += L) {
          ((FloatVector) ByteVector.fromArray(B, x, sp + v).convertShape(VectorOperators.B2F, F, 0)).sub(zp)
              .intoArray(bp, o + v);
        }
        for (int v = full; v < wv; v++) {
          bp[o + v] = v < w ? x[sp + v] - zeroPoint : 0f;
        }
      }
    }
  }

  /**
   * QuantizeLinear to int8: {@code o[i] = saturate(rint(f[i] / scale) + zero)} for {@code i} in
   * {@code [from, to)}, the float32 division as the reference computes it. Clamping to the integers
   * {@code -128 - zero}, {@code 127 - zero} before rounding equals clamping after it; a vector with a
   * NaN goes the scalar way (where NaN becomes 0).
   */
  static void quantize(float[] f, float scale, int zero, byte[] o, int from, int to) {
    FloatVector s = FloatVector.broadcast(F, scale);
    FloatVector lo = FloatVector.broadcast(F, -128f - zero);
    FloatVector hi = FloatVector.broadcast(F, 127f - zero);
    FloatVector magic = FloatVector.broadcast(F, MAGIC);
    IntVector magicBits = IntVector.broadcast(I, MAGIC_BITS - zero); // rounds, then adds the zero point
    int i = from;
    for (; i + L <= to; i += L) {
      FloatVector v = FloatVector.fromArray(F, f, i).div(s);
      if (v.test(VectorOperators.IS_NAN).anyTrue()) {
        for (int j = i; j < i + L; j++) {
          o[j] = (byte) Math.max(-128, Math.min(127, Math.rint(f[j] / scale) + zero));
        }
        continue;
      }
      v.max(lo).min(hi).add(magic).reinterpretAsInts().sub(magicBits).convertShape(VectorOperators.I2B, B, 0)
          .reinterpretAsBytes().intoArray(o, i);
    }
    for (; i < to; i++) {
      o[i] = (byte) Math.max(-128, Math.min(127, Math.rint(f[i] / scale) + zero));
    }
  }

  /**
   * {@code o[i] = (x[i] - zero) * scale} for {@code i} in {@code [from, to)}, as {@link DequantizeInt8}'s plain
   * loop computes it (the difference is exact in float, then one rounded product). (JDK 17 does not vectorize
   * the plain loop.)
   */
  static void dequantize(byte[] x, int zero, float scale, float[] o, int from, int to) {
    FloatVector zp = FloatVector.broadcast(F, (float) zero);
    FloatVector s = FloatVector.broadcast(F, scale);
    int i = from;
    for (; i + L <= to; i += L) {
      ((FloatVector) ByteVector.fromArray(B, x, i).convertShape(VectorOperators.B2F, F, 0)).sub(zp).mul(s)
          .intoArray(o, i);
    }
    for (; i < to; i++) {
      o[i] = (x[i] - zero) * scale;
    }
  }

  /** {@code f[i] = x[i]} for {@code i} in {@code [from, to)}. (JDK 17 does not vectorize the plain loop.) */
  static void widen(byte[] x, float[] f, int from, int to) {
    int i = from;
    for (; i + L <= to; i += L) {
      ((FloatVector) ByteVector.fromArray(B, x, i).convertShape(VectorOperators.B2F, F, 0)).intoArray(f, i);
    }
    for (; i < to; i++) {
      f[i] = x[i];
    }
  }

  /** {@code f[i] = x[xo + i] - zeroPoint} for {@code i} in {@code [0, count)}. */
  static void widen(byte[] x, int xo, int zeroPoint, float[] f, int count) {
    FloatVector zp = FloatVector.broadcast(F, (float) zeroPoint);
    int i = 0;
    for (; i + L <= count; i += L) {
      ((FloatVector) ByteVector.fromArray(B, x, xo + i).convertShape(VectorOperators.B2F, F, 0)).sub(zp).intoArray(f, i);
    }
    for (; i < count; i++) {
      f[i] = x[xo + i] - zeroPoint;
    }
  }

  /**
   * Depthwise sums over a run: {@code sums[so + p] = bias + sum over taps of w[wo + t] * plane[p + tapOff[t]]}
   * for {@code p} in {@code [0, run)}, a whole vector at a time (the plane has a vector of slack).
   */
  static void depthwise(int[] plane, int[] tapOff, int[] w, int wo, int run, int bias, int[] sums, int so) {
    IntVector b = IntVector.broadcast(I, bias);
    for (int p = 0; p < run; p += L) {
      IntVector sum = b;
      for (int t = 0; t < tapOff.length; t++) {
        sum = sum.add(IntVector.fromArray(I, plane, p + tapOff[t]).mul(w[wo + t]));
      }
      sum.intoArray(sums, so + p);
    }
  }
}
