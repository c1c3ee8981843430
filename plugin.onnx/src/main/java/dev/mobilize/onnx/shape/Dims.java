package dev.mobilize.onnx.shape;

import dev.mobilize.ir.Dim;
import dev.mobilize.ir.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Dimension arithmetic shared by the rules: broadcasting, products, unification. */
final class Dims {

  private Dims() {}

  /**
   * Multidirectional (numpy) broadcasting of all {@code shapes}, or {@link Shape#UNKNOWN} when a
   * rank is unknown. Absent inputs are passed as null and skipped.
   */
  static Shape broadcast(NodeContext c, List<Shape> shapes) {
    int rank = 0;
    for (Shape s : shapes) {
      if (s == null) {
        continue;
      }
      if (!s.hasRank()) {
        return Shape.UNKNOWN;
      }
      rank = Math.max(rank, s.rank());
    }
    List<Dim> out = new ArrayList<>();
    for (int i = 0; i < rank; i++) {
      Dim result = null;
      for (Shape s : shapes) {
        if (s == null) {
          continue;
        }
        int k = i - (rank - s.rank());
        if (k < 0) {
          continue;
        }
        result = result == null ? s.dim(k) : broadcastDim(c, result, s.dim(k), i, shapes);
      }
      out.add(result);
    }
    return Shape.of(out);
  }

  // a dimension of 1 stretches; equal dimensions stay; a fixed size > 1 wins over a symbol
  private static Dim broadcastDim(NodeContext c, Dim a, Dim b, int axis, List<Shape> shapes) {
    if (a.equals(b)) {
      return a;
    }
    if (a.isFixed() && b.isFixed()) {
      if (a.value() == 1) {
        return b;
      }
      if (b.value() == 1) {
        return a;
      }
      String list = shapes.stream().filter(s -> s != null).map(Shape::toString).collect(Collectors.joining(" and "));
      throw c.mismatch("inputs " + list + " cannot be broadcast: dimension " + axis + " is " + a.value() + " and "
          + b.value() + ", expected equal sizes or 1");
    }
    if (a.isFixed()) {
      return a.value() == 1 ? b : a;
    }
    if (b.isFixed()) {
      return b.value() == 1 ? a : b;
    }
    return c.fresh("unk");
  }

  /** Two dimensions that must be equal: a fixed size wins over a symbol. */
  static Dim unify(NodeContext c, Dim a, Dim b, String what) {
    if (a.isFixed() && b.isFixed() && a.value() != b.value()) {
      throw c.mismatch(what + ": expected equal sizes, found " + a.value() + " and " + b.value());
    }
    return a.isFixed() ? a : b.isFixed() ? b : a;
  }

  /** The product of {@code dims}, symbolic where a dimension is. */
  static SymbolicInt product(List<Dim> dims) {
    SymbolicInt p = SymbolicInt.of(1);
    for (Dim d : dims) {
      p = p.times(SymbolicInt.of(d));
    }
    return p;
  }

  /** {@code count} ones (default strides and dilations). */
  static long[] filled(int count, long value) {
    long[] a = new long[count];
    java.util.Arrays.fill(a, value);
    return a;
  }

  static Shape shape(List<Dim> dims) {
    return Shape.of(dims);
  }
}
