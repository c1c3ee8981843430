package dev.mobilize.onnx.shape;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Dim;
import dev.mobilize.ir.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Concat (sizes add up along the axis) and Split (sizes divide up along the axis). */
final class ConcatSplitShapes {

  private ConcatSplitShapes() {}

  static void concat(NodeContext c) {
    DataType type = DataType.UNDEFINED;
    Shape first = null;
    for (int i = 0; i < c.inputCount(); i++) {
      if (type == DataType.UNDEFINED) {
        type = c.type(i);
      }
      if (first == null && c.hasRank(i)) {
        first = c.shape(i);
      }
    }
    if (first == null) {
      c.output(0, type, Shape.UNKNOWN);
      return;
    }
    int rank = first.rank();
    int axis = c.axis(c.attrs().getInt("axis"), rank, "attribute 'axis'");
    List<Dim> out = new ArrayList<>(first.dimList());
    SymbolicInt total = SymbolicInt.of(0);
    boolean totalKnown = true;
    for (int i = 0; i < c.inputCount(); i++) {
      Shape s = c.shape(i);
      if (!s.hasRank()) {
        totalKnown = false;
        continue;
      }
      if (s.rank() != rank) {
        throw c.mismatch("input " + i + " '" + c.inputName(i) + "' is " + s + " (rank " + s.rank() + "), expected rank "
            + rank + " like " + first);
      }
      for (int d = 0; d < rank; d++) {
        if (d != axis) {
          out.set(d, Dims.unify(c, out.get(d), s.dim(d), "input " + i + " '" + c.inputName(i) + "' is " + s
              + " and input 0 is " + first + ", dimension " + d));
        }
      }
      total = total.plus(SymbolicInt.of(s.dim(axis)));
    }
    out.set(axis, totalKnown ? total.toDim() : c.fresh("unk"));
    c.output(0, type, Shape.of(out));
    propagate(c);
  }

  // concatenated known vectors stay known
  private static void propagate(NodeContext c) {
    List<SymbolicInt> all = new ArrayList<>();
    for (int i = 0; i < c.inputCount(); i++) {
      Optional<KnownValue> v = c.value(i);
      if (v.isEmpty() || v.get().scalar()) {
        return;
      }
      all.addAll(v.get().elements());
    }
    c.outputValue(0, KnownValue.vector(all));
  }

  /** Split(input, split?): by the split sizes, by num_outputs (last chunk smaller), or evenly. */
  static void split(NodeContext c) {
    Shape x = c.shape(0);
    int n = c.outputCount();
    if (!x.hasRank()) {
      for (int i = 0; i < n; i++) {
        c.output(i, c.type(0), Shape.UNKNOWN);
      }
      return;
    }
    int axis = c.axis(c.intAttr("axis", 0), x.rank(), "attribute 'axis'");
    Dim total = x.dim(axis);
    List<Dim> sizes = new ArrayList<>();
    if (c.hasInput(1)) {
      Optional<long[]> split = c.fixedValue(1);
      if (split.isEmpty()) {
        for (int i = 0; i < n; i++) {
          sizes.add(c.fresh("unk"));
        }
      } else {
        long[] s = split.get();
        if (s.length != n) {
          throw c.mismatch("input 'split' has " + s.length + " sizes, expected one per output (" + n + ")");
        }
        long sum = 0;
        for (long v : s) {
          if (v < 0) {
            throw c.mismatch("input 'split' has size " + v + ", expected sizes >= 0");
          }
          sum = Math.addExact(sum, v);
          sizes.add(Dim.of(v));
        }
        if (total.isFixed() && sum != total.value()) {
          throw c.mismatch("split sizes add up to " + sum + ", expected the size of axis " + axis + " of " + x + " ("
              + total.value() + ")");
        }
      }
    } else {
      long parts = c.intAttr("num_outputs", n);
      if (parts != n) {
        throw c.mismatch("attribute 'num_outputs' is " + parts + ", expected the number of outputs " + n);
      }
      for (int i = 0; i < n; i++) {
        sizes.add(total.isFixed() ? Dim.of(part(c, total.value(), n, i, x, axis)) : c.fresh("unk"));
      }
    }
    for (int i = 0; i < n; i++) {
      List<Dim> dims = new ArrayList<>(x.dimList());
      dims.set(axis, sizes.get(i));
      c.output(i, c.type(0), Shape.of(dims));
    }
  }

  // chunk = ceil(total / n); the last output takes what is left; without num_outputs it must divide evenly
  private static long part(NodeContext c, long total, int n, int i, Shape x, int axis) {
    if (!c.attrs().has("num_outputs")) {
      if (total % n != 0) {
        throw c.mismatch("axis " + axis + " of " + x + " has size " + total + ", expected a multiple of the " + n
            + " outputs (or a 'split' input)");
      }
      return total / n;
    }
    long chunk = SlidingWindow.ceilDiv(total, n);
    return Math.max(0, Math.min(chunk, total - chunk * i));
  }
}
