package dev.mobilize.onnx.shape;

import dev.mobilize.ir.Dim;
import java.util.ArrayList;
import java.util.List;

/**
 * Output sizes of a window sliding over the spatial axes (Conv, pooling), from the attributes
 * {@code auto_pad}, {@code pads}, {@code strides} and {@code dilations}.
 */
final class SlidingWindow {

  private SlidingWindow() {}

  static List<Dim> outputSizes(NodeContext c, List<Dim> in, long[] kernel, boolean ceilMode) {
    int n = in.size();
    if (kernel.length != n) {
      throw c.mismatch("kernel has " + kernel.length + " spatial sizes, expected " + n + " (input spatial rank)");
    }
    long[] strides = spatialAttr(c, "strides", n, 1);
    long[] dilations = spatialAttr(c, "dilations", n, 1);
    long[] pads = c.intsAttr("pads", Dims.filled(2 * n, 0));
    if (pads.length != 2 * n) {
      throw c.mismatch("attribute 'pads' has " + pads.length + " values, expected " + 2 * n);
    }
    String autoPad = c.stringAttr("auto_pad", "NOTSET");
    List<Dim> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (!in.get(i).isFixed()) {
        out.add(c.fresh("unk"));
        continue;
      }
      long size = in.get(i).value();
      long stride = strides[i];
      // extent of the dilated kernel: dilation*(k-1) + 1
      long extent = Math.addExact(Math.multiplyExact(dilations[i], kernel[i] - 1), 1);
      long o;
      switch (autoPad) {
        case "SAME_UPPER", "SAME_LOWER" ->
            // out = ceil(in / stride)
            o = ceilDiv(size, stride);
        case "VALID" -> {
          // out = floor((in - extent) / stride) + 1
          requireFits(c, i, size, extent);
          o = (ceilMode ? ceilDiv(size - extent, stride) : (size - extent) / stride) + 1;
        }
        case "NOTSET" -> {
          long padded = Math.addExact(Math.addExact(size, pads[i]), pads[i + n]);
          requireFits(c, i, padded, extent);
          // out = floor((in + pad_begin + pad_end - dilation*(k-1) - 1) / stride) + 1  (ceil with ceil_mode)
          o = (ceilMode ? ceilDiv(padded - extent, stride) : (padded - extent) / stride) + 1;
          // with ceil_mode the last window must start inside the input or the begin padding
          if (ceilMode && (o - 1) * stride >= size + pads[i]) {
            o--;
          }
        }
        default -> throw c.mismatch("attribute 'auto_pad' is '" + autoPad
            + "', expected NOTSET, SAME_UPPER, SAME_LOWER or VALID");
      }
      out.add(Dim.of(o));
    }
    return out;
  }

  /** A per-spatial-axis attribute such as strides, checked for length and positivity. */
  static long[] spatialAttr(NodeContext c, String name, int n, long defaultValue) {
    long[] v = c.intsAttr(name, Dims.filled(n, defaultValue));
    if (v.length != n) {
      throw c.mismatch("attribute '" + name + "' has " + v.length + " values, expected " + n
          + " (one per spatial axis)");
    }
    for (long x : v) {
      if (x < 1) {
        throw c.mismatch("attribute '" + name + "' is " + java.util.Arrays.toString(v) + ", expected values >= 1");
      }
    }
    return v;
  }

  private static void requireFits(NodeContext c, int axis, long padded, long extent) {
    if (padded < extent) {
      throw c.mismatch("spatial axis " + axis + " has size " + padded + " with padding, expected at least the kernel"
          + " extent " + extent);
    }
  }

  static long ceilDiv(long a, long b) {
    return Math.floorDiv(a + b - 1, b);
  }
}
