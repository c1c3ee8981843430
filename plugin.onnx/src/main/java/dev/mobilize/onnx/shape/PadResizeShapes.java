package dev.mobilize.onnx.shape;

import dev.mobilize.ir.Dim;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Pad (sizes grow by the pads) and Resize (sizes from scales or sizes). */
final class PadResizeShapes {

  private PadResizeShapes() {}

  /** Pad(data, pads, constant_value?, axes?): out = in + pad_begin + pad_end on each padded axis. */
  static void pad(NodeContext c) {
    Shape x = c.shape(0);
    if (!x.hasRank()) {
      c.output(0, c.type(0), Shape.UNKNOWN);
      return;
    }
    int rank = x.rank();
    Optional<long[]> pads = c.fixedValue(1);
    Optional<long[]> axes = c.hasInput(3) ? c.fixedValue(3) : Optional.of(iota(rank));
    if (pads.isEmpty() || axes.isEmpty()) {
      c.output(0, c.type(0), c.freshShape(rank));
      return;
    }
    int n = axes.get().length;
    if (pads.get().length != 2 * n) {
      throw c.mismatch("input 'pads' has " + pads.get().length + " values, expected " + 2 * n + " (begin and end for "
          + n + " axes)");
    }
    List<Dim> out = new ArrayList<>(x.dimList());
    for (int i = 0; i < n; i++) {
      int axis = c.axis(axes.get()[i], rank, "axis");
      SymbolicInt grown = SymbolicInt.of(x.dim(axis)).plus(SymbolicInt.of(pads.get()[i]))
          .plus(SymbolicInt.of(pads.get()[i + n]));
      out.set(axis, c.dim(grown, "padded axis " + axis + " of " + x));
    }
    c.output(0, c.type(0), Shape.of(out));
  }

  /**
   * Resize(X, roi?, scales?, sizes?): out = floor(in * scale) with scales; with sizes and
   * keep_aspect_ratio_policy not_larger/not_smaller, scale = min/max(sizes/in) over the axes and
   * out = round(in * scale).
   */
  static void resize(NodeContext c) {
    Shape x = c.shape(0);
    if (!x.hasRank()) {
      c.output(0, c.type(0), Shape.UNKNOWN);
      return;
    }
    int rank = x.rank();
    long[] axes = c.intsAttr("axes", iota(rank));
    int[] axisIndex = new int[axes.length];
    for (int i = 0; i < axes.length; i++) {
      axisIndex[i] = c.axis(axes[i], rank, "axis");
    }
    List<Dim> out = new ArrayList<>(x.dimList());
    Optional<Tensor> scales = c.constant(2).filter(t -> t.numElements() > 0);
    Optional<long[]> sizes = c.hasInput(3) ? c.fixedValue(3) : Optional.empty();
    if (scales.isPresent()) {
      float[] s = scales.get().toFloatArray();
      requireCount(c, "scales", s.length, axes.length);
      for (int i = 0; i < axes.length; i++) {
        Dim d = x.dim(axisIndex[i]);
        // out = floor(in * scale)
        out.set(axisIndex[i], d.isFixed() ? Dim.of((long) Math.floor(d.value() * (double) s[i]))
            : s[i] == 1f ? d : c.fresh("unk"));
      }
    } else if (sizes.isPresent()) {
      long[] z = sizes.get();
      requireCount(c, "sizes", z.length, axes.length);
      String policy = c.stringAttr("keep_aspect_ratio_policy", "stretch");
      if (policy.equals("stretch")) {
        for (int i = 0; i < axes.length; i++) {
          out.set(axisIndex[i], Dim.of(z[i]));
        }
      } else {
        keepAspectRatio(c, x, axisIndex, z, policy, out);
      }
    } else {
      out = c.freshShape(rank).dimList();
    }
    c.output(0, c.type(0), Shape.of(out));
  }

  private static void keepAspectRatio(NodeContext c, Shape x, int[] axisIndex, long[] sizes, String policy,
      List<Dim> out) {
    boolean notLarger = policy.equals("not_larger");
    if (!notLarger && !policy.equals("not_smaller")) {
      throw c.mismatch("attribute 'keep_aspect_ratio_policy' is '" + policy
          + "', expected stretch, not_larger or not_smaller");
    }
    double scale = notLarger ? Double.MAX_VALUE : 0;
    for (int i = 0; i < axisIndex.length; i++) {
      Dim d = x.dim(axisIndex[i]);
      if (!d.isFixed()) {
        for (int k : axisIndex) {
          out.set(k, c.fresh("unk"));
        }
        return;
      }
      double r = (double) sizes[i] / d.value();
      scale = notLarger ? Math.min(scale, r) : Math.max(scale, r);
    }
    for (int k : axisIndex) {
      // out = round(in * scale), halves rounded up
      out.set(k, Dim.of((long) Math.floor(x.dim(k).value() * scale + 0.5)));
    }
  }

  private static void requireCount(NodeContext c, String what, int found, int expected) {
    if (found != expected) {
      throw c.mismatch("input '" + what + "' has " + found + " values, expected " + expected + " (one per resized axis)");
    }
  }

  static long[] iota(int n) {
    long[] a = new long[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    return a;
  }
}
