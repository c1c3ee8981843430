package dev.mobilize.cpu;

/** Conversions the int8 kernels share: int8 tensors as bytes, int32 constants as ints, per-channel scales. */
final class Int8Tensors {

  private Int8Tensors() {}

  /** The elements of an int8 tensor as bytes (the array itself when it is held as bytes). */
  static byte[] bytes(NdArray a) {
    if (a.b != null) {
      return a.b;
    }
    byte[] out = new byte[a.l.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) a.l[i];
    }
    return out;
  }

  static int[] ints(NdArray a) {
    int[] out = new int[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (int) a.l[i];
    }
    return out;
  }

  /** A scale per channel: the values of a 1-D scale of {@code m}, or a scalar repeated. */
  static float[] perChannel(NdArray scale, int m) {
    if (scale.size() == m) {
      return scale.f.clone();
    }
    float[] out = new float[m];
    java.util.Arrays.fill(out, scale.f[0]);
    return out;
  }
}
