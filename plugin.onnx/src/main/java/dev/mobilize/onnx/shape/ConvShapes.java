package dev.mobilize.onnx.shape;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Dim;
import dev.mobilize.ir.Shape;
import java.util.ArrayList;
import java.util.List;

/** Conv, ConvInteger, QLinearConv and ConvTranspose: X [N,C,D1..Dn], W [M,C/group,k1..kn]. */
final class ConvShapes {

  private ConvShapes() {}

  static void conv(NodeContext c) {
    c.output(0, c.type(0), convolve(c, 0, 1));
  }

  static void convInteger(NodeContext c) {
    c.output(0, DataType.INT32, convolve(c, 0, 1));
  }

  /** QLinearConv(x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp, B): y has y_zp's type. */
  static void qlinearConv(NodeContext c) {
    DataType t = c.type(7) != DataType.UNDEFINED ? c.type(7) : c.type(0);
    c.output(0, t, convolve(c, 0, 3));
  }

  // out = [N, M, floor((in + pad_begin + pad_end - dilation*(k-1) - 1) / stride) + 1 ...]
  private static Shape convolve(NodeContext c, int xi, int wi) {
    Shape x = c.shape(xi);
    Shape w = c.shape(wi);
    if (!x.hasRank()) {
      return Shape.UNKNOWN;
    }
    if (x.rank() < 3) {
      throw c.mismatch("input X is " + x + ", expected rank >= 3 [N,C,D1,...]");
    }
    int n = x.rank() - 2;
    if (w.hasRank() && w.rank() != x.rank()) {
      throw c.mismatch("weight W is " + w + " and input X is " + x + ", expected W of rank " + x.rank());
    }
    long group = c.intAttr("group", 1);
    if (group < 1) {
      throw c.mismatch("attribute 'group' is " + group + ", expected >= 1");
    }
    if (w.hasRank() && x.dim(1).isFixed() && w.dim(1).isFixed()
        && x.dim(1).value() != Math.multiplyExact(w.dim(1).value(), group)) {
      throw c.mismatch("input X has " + x.dim(1) + " channels, expected W[1]*group = " + w.dim(1) + "*" + group);
    }
    long[] kernel = kernel(c, w, n);
    List<Dim> out = new ArrayList<>();
    out.add(x.dim(0));
    out.add(w.hasRank() ? w.dim(0) : c.fresh("unk"));
    if (kernel == null) {
      for (int i = 0; i < n; i++) {
        out.add(c.fresh("unk"));
      }
    } else {
      out.addAll(SlidingWindow.outputSizes(c, x.dimList().subList(2, x.rank()), kernel, false));
    }
    return Shape.of(out);
  }

  /** kernel_shape, or the spatial dims of W; null when neither is known. */
  private static long[] kernel(NodeContext c, Shape w, int n) {
    long[] k = c.intsAttr("kernel_shape", null);
    if (k != null) {
      if (k.length != n) {
        throw c.mismatch("attribute 'kernel_shape' has " + k.length + " values, expected " + n);
      }
      return k;
    }
    if (!w.hasRank()) {
      return null;
    }
    k = new long[n];
    for (int i = 0; i < n; i++) {
      if (!w.dim(i + 2).isFixed()) {
        return null;
      }
      k[i] = w.dim(i + 2).value();
    }
    return k;
  }

  /** ConvTranspose: W [C, M/group, k...]; output channels M = W[1]*group. */
  static void convTranspose(NodeContext c) {
    Shape x = c.shape(0);
    Shape w = c.shape(1);
    if (!x.hasRank()) {
      c.output(0, c.type(0), Shape.UNKNOWN);
      return;
    }
    if (x.rank() < 3) {
      throw c.mismatch("input X is " + x + ", expected rank >= 3 [N,C,D1,...]");
    }
    int n = x.rank() - 2;
    if (w.hasRank() && w.rank() != x.rank()) {
      throw c.mismatch("weight W is " + w + " and input X is " + x + ", expected W of rank " + x.rank());
    }
    long group = c.intAttr("group", 1);
    if (w.hasRank() && x.dim(1).isFixed() && w.dim(0).isFixed() && x.dim(1).value() != w.dim(0).value()) {
      throw c.mismatch("input X has " + x.dim(1) + " channels, expected W[0] = " + w.dim(0));
    }
    List<Dim> out = new ArrayList<>();
    out.add(x.dim(0));
    out.add(w.hasRank() ? SymbolicInt.of(w.dim(1)).times(SymbolicInt.of(group)).toDim() : c.fresh("unk"));
    long[] outputShape = c.intsAttr("output_shape", null);
    long[] kernel = kernel(c, w, n);
    if (outputShape != null) {
      if (outputShape.length != n && outputShape.length != n + 2) {
        throw c.mismatch("attribute 'output_shape' has " + outputShape.length + " values, expected " + n);
      }
      for (int i = outputShape.length - n; i < outputShape.length; i++) {
        out.add(Dim.of(outputShape[i]));
      }
      c.output(0, c.type(0), Shape.of(out));
      return;
    }
    long[] strides = SlidingWindow.spatialAttr(c, "strides", n, 1);
    long[] dilations = SlidingWindow.spatialAttr(c, "dilations", n, 1);
    long[] outputPadding = c.intsAttr("output_padding", Dims.filled(n, 0));
    long[] pads = c.intsAttr("pads", Dims.filled(2 * n, 0));
    if (pads.length != 2 * n || outputPadding.length != n) {
      throw c.mismatch("attributes 'pads' and 'output_padding' have " + pads.length + " and " + outputPadding.length
          + " values, expected " + 2 * n + " and " + n);
    }
    String autoPad = c.stringAttr("auto_pad", "NOTSET");
    for (int i = 0; i < n; i++) {
      Dim in = x.dim(i + 2);
      if (!in.isFixed() || kernel == null) {
        out.add(c.fresh("unk"));
        continue;
      }
      long size = in.value();
      if (autoPad.equals("SAME_UPPER") || autoPad.equals("SAME_LOWER")) {
        // out = in * stride
        out.add(Dim.of(Math.multiplyExact(size, strides[i])));
        continue;
      }
      long padBegin = autoPad.equals("VALID") ? 0 : pads[i];
      long padEnd = autoPad.equals("VALID") ? 0 : pads[i + n];
      // out = stride*(in-1) + output_padding + dilation*(k-1) + 1 - pad_begin - pad_end
      long o = Math.multiplyExact(strides[i], size - 1) + outputPadding[i]
          + Math.multiplyExact(dilations[i], kernel[i] - 1) + 1 - padBegin - padEnd;
      if (o < 0) {
        throw c.mismatch("spatial axis " + i + " comes out as " + o + " after padding, expected a size >= 0");
      }
      out.add(Dim.of(o));
    }
    c.output(0, c.type(0), Shape.of(out));
  }
}
