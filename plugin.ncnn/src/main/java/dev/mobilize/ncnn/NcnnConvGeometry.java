package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;

/**
 * The parameters Convolution and Deconvolution layers (and their depthwise forms) share: output
 * channels (0), kernel (1, 11), dilation (2, 12), stride (3, 13), pads left/top/right/bottom (4, 14,
 * 15, 16), bias term (5) and weight data size (6); each vertical value defaults to its horizontal one.
 */
record NcnnConvGeometry(int outputs, int kw, int kh, int dw, int dh, int sw, int sh, int pl, int pt, int pr, int pb,
    boolean bias, int weightSize) {

  static NcnnConvGeometry of(NcnnParams p) {
    int kw = p.getInt(1, 0);
    int dw = p.getInt(2, 1);
    int sw = p.getInt(3, 1);
    int pl = p.getInt(4, 0);
    int pt = p.getInt(14, pl);
    return new NcnnConvGeometry(p.getInt(0, 0), kw, p.getInt(11, kw), dw, p.getInt(12, dw), sw, p.getInt(13, sw),
        pl, pt, p.getInt(15, pl), p.getInt(16, pt), p.getInt(5, 0) != 0, p.getInt(6, 0));
  }

  /** True when the pads are ncnn's SAME markers (-233 SAME_UPPER, -234 SAME_LOWER). */
  boolean samePadding() {
    return pl == -233 || pl == -234;
  }

  /** kernel_shape, strides, dilations and group; the pads are the caller's. */
  Attributes.Builder attributes(int group) {
    return Attributes.builder().ints("kernel_shape", kh, kw).ints("strides", sh, sw).ints("dilations", dh, dw)
        .set("group", (long) group);
  }
}
