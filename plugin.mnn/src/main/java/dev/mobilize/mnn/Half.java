package dev.mobilize.mnn;

/** IEEE 754 half precision, as MNN stores fp16 weights (round to nearest even, clamped to ±65504). */
final class Half {

  private Half() {}

  static final float MAX = 65504f;

  /** The half nearest to {@code f} (clamped to ±65504 first, as MNNConvert does; NaN stays NaN). */
  static short fromFloat(float f) {
    if (Float.isNaN(f)) {
      return (short) 0x7e00;
    }
    float v = Math.max(-MAX, Math.min(MAX, f));
    int bits = Float.floatToRawIntBits(v);
    int sign = (bits >>> 16) & 0x8000;
    int exp = ((bits >>> 23) & 0xff) - 127 + 15;
    int mant = bits & 0x7fffff;
    if (exp <= 0) {
      if (exp < -10) {
        return (short) sign;
      }
      // subnormal: shift the implicit 1 in, round to nearest even
      mant |= 0x800000;
      int shift = 14 - exp;
      int half = mant >>> shift;
      int rest = mant & ((1 << shift) - 1);
      int mid = 1 << (shift - 1);
      if (rest > mid || (rest == mid && (half & 1) != 0)) {
        half++;
      }
      return (short) (sign | half);
    }
    int half = (exp << 10) | (mant >>> 13);
    int rest = mant & 0x1fff;
    if (rest > 0x1000 || (rest == 0x1000 && (half & 1) != 0)) {
      half++;
    }
    return (short) (sign | half);
  }

  static float toFloat(short h) {
    int sign = (h & 0x8000) << 16;
    int exp = (h >>> 10) & 0x1f;
    int mant = h & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      float v = mant * 0x1p-24f;
      return sign != 0 ? -v : v;
    }
    return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
  }

  /** Little-endian half bytes of {@code v}. */
  static byte[] bytes(float[] v) {
    byte[] out = new byte[v.length * 2];
    for (int i = 0; i < v.length; i++) {
      short h = fromFloat(v[i]);
      out[2 * i] = (byte) h;
      out[2 * i + 1] = (byte) (h >> 8);
    }
    return out;
  }

  /** Floats from little-endian half bytes. */
  static float[] floats(byte[] b) {
    float[] out = new float[b.length / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = toFloat((short) ((b[2 * i] & 0xff) | (b[2 * i + 1] << 8)));
    }
    return out;
  }
}
