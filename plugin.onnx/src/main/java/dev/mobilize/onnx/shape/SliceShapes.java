package dev.mobilize.onnx.shape;

import dev.mobilize.ir.Dim;
import dev.mobilize.ir.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Slice(data, starts, ends, axes?, steps?) with negative and clamped bounds. */
final class SliceShapes {

  private SliceShapes() {}

  static void slice(NodeContext c) {
    Shape x = c.shape(0);
    if (!x.hasRank()) {
      c.output(0, c.type(0), Shape.UNKNOWN);
      return;
    }
    int rank = x.rank();
    Optional<long[]> starts = c.fixedValue(1);
    Optional<long[]> ends = c.fixedValue(2);
    Optional<long[]> axesValue = c.hasInput(3) ? c.fixedValue(3) : Optional.ofNullable(range(starts.map(s -> s.length)
        .orElse(ends.map(e -> e.length).orElse(-1))));
    Optional<long[]> stepsValue = c.hasInput(4) ? c.fixedValue(4) : Optional.empty();
    if (starts.isEmpty() || ends.isEmpty() || axesValue.isEmpty() || c.hasInput(4) && stepsValue.isEmpty()) {
      List<Dim> out = new ArrayList<>(x.dimList());
      if (axesValue.isPresent() && axesValue.get().length > 0) {
        for (long a : axesValue.get()) {
          int axis = c.axis(a, rank, "axis");
          out.set(axis, c.fresh("unk"));
        }
        c.output(0, c.type(0), Shape.of(out));
      } else {
        c.output(0, c.type(0), c.freshShape(rank));
      }
      return;
    }
    long[] axes = axesValue.get();
    long[] steps = stepsValue.orElse(Dims.filled(axes.length, 1));
    if (starts.get().length != axes.length || ends.get().length != axes.length || steps.length != axes.length) {
      throw c.mismatch("starts, ends, axes and steps have " + starts.get().length + ", " + ends.get().length + ", "
          + axes.length + " and " + steps.length + " entries, expected the same number");
    }
    List<Dim> out = new ArrayList<>(x.dimList());
    boolean[] seen = new boolean[rank];
    for (int i = 0; i < axes.length; i++) {
      int axis = c.axis(axes[i], rank, "axis");
      if (seen[axis]) {
        throw c.mismatch("axes name axis " + axis + " twice, expected distinct axes");
      }
      seen[axis] = true;
      if (steps[i] == 0) {
        throw c.mismatch("step for axis " + axis + " is 0, expected a non-zero step");
      }
      Dim d = x.dim(axis);
      if (d.isFixed()) {
        out.set(axis, Dim.of(length(d.value(), starts.get()[i], ends.get()[i], steps[i])));
      } else if (starts.get()[i] == 0 && steps[i] == 1 && ends.get()[i] >= Integer.MAX_VALUE) {
        out.set(axis, d);
      } else {
        out.set(axis, c.fresh("unk"));
      }
    }
    c.output(0, c.type(0), Shape.of(out));
    propagate(c, starts.get()[0], ends.get()[0], steps[0]);
  }

  /**
   * Elements taken from an axis of size {@code dim}: negative bounds count from the end, then
   * start is clamped to [0, dim] (step > 0) or [0, dim-1] (step < 0), end to [0, dim] or [-1, dim-1];
   * length = max(0, ceil((end - start) / step)).
   */
  static long length(long dim, long start, long end, long step) {
    long[] b = clamp(dim, start, end, step);
    long span = b[1] - b[0];
    if (step > 0) {
      return span <= 0 ? 0 : (span + step - 1) / step;
    }
    return span >= 0 ? 0 : (-span + (-step) - 1) / (-step);
  }

  private static long[] clamp(long dim, long start, long end, long step) {
    long s = start < 0 ? Math.max(start + dim, Long.MIN_VALUE / 2) : start;
    long e = end < 0 ? Math.max(end + dim, Long.MIN_VALUE / 2) : end;
    if (step > 0) {
      s = Math.max(0, Math.min(s, dim));
      e = Math.max(0, Math.min(e, dim));
    } else {
      s = Math.max(-1, Math.min(s, dim - 1));
      e = Math.max(-1, Math.min(e, dim - 1));
    }
    return new long[] {s, e};
  }

  // a slice of a known vector stays known
  private static void propagate(NodeContext c, long start, long end, long step) {
    Optional<KnownValue> v = c.value(0);
    if (v.isEmpty() || v.get().scalar() || c.fixedValue(1).map(s -> s.length != 1).orElse(true)) {
      return;
    }
    int n = v.get().size();
    long[] b = clamp(n, start, end, step);
    List<SymbolicInt> out = new ArrayList<>();
    for (long i = b[0]; step > 0 ? i < b[1] : i > b[1]; i += step) {
      out.add(v.get().get((int) i));
    }
    c.outputValue(0, KnownValue.vector(out));
  }

  private static long[] range(int n) {
    if (n < 0) {
      return null;
    }
    long[] a = new long[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    return a;
  }
}
