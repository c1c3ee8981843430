package dev.mobilize.ir;

/**
 * Conversions between float32 and the 16-bit float formats (IEEE float16 and bfloat16), with
 * round-to-nearest-even, as exporters that store weights as half need them.
 *
 * <p>Example: {@code Half.toFloat(Half.fromFloat(1.5f)) == 1.5f}.
 */
public final class Half {

  private Half() {}

  /** float32 to IEEE float16 bits, rounding to nearest even; overflow gives infinity. */
  public static short fromFloat(float value) {
    int f = Float.floatToRawIntBits(value);
    int sign = (f >>> 16) & 0x8000;
    int exp = (f >>> 23) & 0xff;
    int mant = f & 0x7fffff;
    if (exp == 0xff) { // inf or NaN
      return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
    }
    int e = exp - 127 + 15;
    if (e >= 0x1f) {
      return (short) (sign | 0x7c00);
    }
    if (e <= 0) { // subnormal or zero in half
      if (e < -10) {
        return (short) sign;
      }
      mant |= 0x800000;
      int shift = 14 - e;
      int half = mant >>> shift;
      int rem = mant & ((1 << shift) - 1);
      int mid = 1 << (shift - 1);
      if (rem > mid || (rem == mid && (half & 1) != 0)) {
        half++;
      }
      return (short) (sign | half);
    }
    int half = (e << 10) | (mant >>> 13);
    int rem = mant & 0x1fff;
    if (rem > 0x1000 || (rem == 0x1000 && (half & 1) != 0)) {
      half++; // may carry into the exponent, which is the correct rounding
    }
    return (short) (sign | half);
  }

  /** IEEE float16 bits to float32 (exact). */
  public static float toFloat(short bits) {
    int h = bits & 0xffff;
    int sign = (h & 0x8000) << 16;
    int exp = (h >>> 10) & 0x1f;
    int mant = h & 0x3ff;
    if (exp == 0) {
      if (mant == 0) {
        return Float.intBitsToFloat(sign);
      }
      // subnormal: value = mant * 2^-24
      float v = mant * 0x1p-24f;
      return sign != 0 ? -v : v;
    }
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
  }

  /** float32 to bfloat16 bits, rounding to nearest even. */
  public static short bfloat16FromFloat(float value) {
    int f = Float.floatToRawIntBits(value);
    if (Float.isNaN(value)) {
      return (short) ((f >>> 16) | 0x40);
    }
    int rounding = 0x7fff + ((f >>> 16) & 1);
    return (short) ((f + rounding) >>> 16);
  }

  /** bfloat16 bits to float32 (exact). */
  public static float bfloat16ToFloat(short bits) {
    return Float.intBitsToFloat((bits & 0xffff) << 16);
  }
}
