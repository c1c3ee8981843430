package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;

/** Explicit 2-D pads {@code [top, left, bottom, right]} from ONNX pads or auto_pad, for static shapes. */
final class Pads {

  private Pads() {}

  /** Pads as ONNX orders them: {@code [top, left, bottom, right]}. */
  static long[] resolve(Attributes a, long[] in, long[] kernel, long[] strides, long[] dil, long[] out) {
    String auto = a.getString("auto_pad", "NOTSET");
    if (auto.equals("NOTSET")) {
      long[] p = a.ints("pads", new long[] {0, 0, 0, 0});
      if (p.length != 4) {
        throw new CannotExpress("pads " + java.util.Arrays.toString(p) + " are not 2-D");
      }
      return p;
    }
    if (auto.equals("VALID")) {
      return new long[] {0, 0, 0, 0};
    }
    long[] p = new long[4];
    for (int i = 0; i < 2; i++) {
      long total = Math.max(0, (out[i] - 1) * strides[i] + (kernel[i] - 1) * dil[i] + 1 - in[i]);
      long small = total / 2;
      boolean upper = auto.equals("SAME_UPPER");
      p[i] = upper ? small : total - small;
      p[i + 2] = total - p[i];
    }
    return p;
  }

  /** Writes pads with ncnn's defaults chain (right defaults to left, top to left, bottom to top). */
  static void write(NcnnParams p, long[] pads, int left, int right, int top, int bottom) {
    int t = (int) pads[0];
    int l = (int) pads[1];
    int b = (int) pads[2];
    int r = (int) pads[3];
    p.setIfNot(left, l, 0).setIfNot(right, r, l).setIfNot(top, t, l).setIfNot(bottom, b, t);
  }
}
