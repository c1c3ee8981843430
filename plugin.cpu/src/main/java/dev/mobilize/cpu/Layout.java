package dev.mobilize.cpu;

import dev.mobilize.ir.DataType;

/** Moving elements of any type: allocation by type and gathers by index. */
final class Layout {

  private Layout() {}

  /** A new array of {@code type} and {@code shape} (contents undefined). */
  static NdArray alloc(Exec ex, DataType type, int[] shape) {
    int n = NdArray.numElements(shape);
    if (type == DataType.STRING) {
      return NdArray.ofStrings(shape, new String[n]);
    }
    if (NdArray.isFloatType(type)) {
      return NdArray.ofFloats(type, shape, ex.floats(n));
    }
    return NdArray.ofLongs(type, shape, ex.longs(n));
  }

  /** {@code out[i] = src[index[i]]}, with {@code out} of {@code shape}. */
  static NdArray take(NdArray src, int[] shape, int[] index, Exec ex) {
    NdArray out = alloc(ex, src.type, shape);
    if (src.f != null) {
      float[] s = src.f;
      float[] o = out.f;
      for (int i = 0; i < index.length; i++) {
        o[i] = s[index[i]];
      }
    } else if (src.l != null) {
      long[] s = src.l;
      long[] o = out.l;
      for (int i = 0; i < index.length; i++) {
        o[i] = s[index[i]];
      }
    } else {
      for (int i = 0; i < index.length; i++) {
        out.s[i] = src.s[index[i]];
      }
    }
    return out;
  }

  /** Copies {@code n} elements from {@code src[si]} to {@code dst[di]} (same storage kind). */
  static void copy(NdArray src, int si, NdArray dst, int di, int n) {
    if (src.f != null) {
      System.arraycopy(src.f, si, dst.f, di, n);
    } else if (src.l != null) {
      System.arraycopy(src.l, si, dst.l, di, n);
    } else {
      System.arraycopy(src.s, si, dst.s, di, n);
    }
  }

  /** A copy of {@code src} in a new array. */
  static NdArray copyOf(NdArray src, Exec ex) {
    NdArray out = alloc(ex, src.type, src.shape);
    copy(src, 0, out, 0, src.size());
    return out;
  }

  /** Reads an int64 shape or index input as ints. */
  static int[] ints(NdArray a) {
    int[] out = new int[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, a.getLong(i)));
    }
    return out;
  }

  static long[] longs(NdArray a) {
    long[] out = new long[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.getLong(i);
    }
    return out;
  }
}
