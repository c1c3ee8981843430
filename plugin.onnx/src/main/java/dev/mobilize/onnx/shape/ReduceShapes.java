package dev.mobilize.onnx.shape;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Dim;
import dev.mobilize.ir.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reduce* (axes input, keepdims, noop_with_empty_axes) and ArgMax/ArgMin (axis attribute). */
final class ReduceShapes {

  private ReduceShapes() {}

  static void reduce(NodeContext c) {
    Shape x = c.shape(0);
    boolean keep = c.intAttr("keepdims", 1) != 0;
    if (!x.hasRank()) {
      c.output(0, c.type(0), Shape.UNKNOWN);
      return;
    }
    int rank = x.rank();
    boolean[] reduced = new boolean[rank];
    if (!c.hasInput(1) || c.hasRank(1) && c.shape(1).rank() == 1 && c.shape(1).dim(0).equals(Dim.of(0))) {
      if (c.intAttr("noop_with_empty_axes", 0) != 0) {
        c.output(0, c.type(0), x);
        return;
      }
      java.util.Arrays.fill(reduced, true);
    } else {
      Optional<long[]> axes = c.fixedValue(1);
      if (axes.isEmpty()) {
        c.output(0, c.type(0), keep ? c.freshShape(rank) : Shape.UNKNOWN);
        return;
      }
      if (axes.get().length == 0 && c.intAttr("noop_with_empty_axes", 0) != 0) {
        c.output(0, c.type(0), x);
        return;
      }
      if (axes.get().length == 0) {
        java.util.Arrays.fill(reduced, true);
      }
      for (long a : axes.get()) {
        reduced[c.axis(a, rank, "axis")] = true;
      }
    }
    c.output(0, c.type(0), reducedShape(x, reduced, keep));
  }

  /** ArgMax, ArgMin: int64 indices with axis reduced (kept as 1 with keepdims). */
  static void argReduce(NodeContext c) {
    Shape x = c.shape(0);
    if (!x.hasRank()) {
      c.output(0, DataType.INT64, Shape.UNKNOWN);
      return;
    }
    boolean[] reduced = new boolean[x.rank()];
    reduced[c.axis(c.intAttr("axis", 0), x.rank(), "attribute 'axis'")] = true;
    c.output(0, DataType.INT64, reducedShape(x, reduced, c.intAttr("keepdims", 1) != 0));
  }

  private static Shape reducedShape(Shape x, boolean[] reduced, boolean keep) {
    List<Dim> out = new ArrayList<>();
    for (int i = 0; i < x.rank(); i++) {
      if (!reduced[i]) {
        out.add(x.dim(i));
      } else if (keep) {
        out.add(Dim.of(1));
      }
    }
    return Shape.of(out);
  }
}
