package dev.mobilize.onnx.shape;

import dev.mobilize.ir.Dim;
import dev.mobilize.ir.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Ops that rearrange dimensions: Reshape, Flatten, Squeeze, Unsqueeze, Transpose, DepthToSpace, SpaceToDepth. */
final class ReshapeShapes {

  private ReshapeShapes() {}

  /** Reshape(data, shape): 0 copies the input dim (unless allowzero), -1 takes what is left. */
  static void reshape(NodeContext c) {
    Shape x = c.shape(0);
    Optional<KnownValue> target = c.value(1);
    if (target.isEmpty()) {
      Shape s = c.shape(1);
      boolean lengthKnown = s.hasRank() && s.rank() == 1 && s.dim(0).isFixed();
      c.output(0, c.type(0), lengthKnown ? c.freshShape((int) s.dim(0).value()) : Shape.UNKNOWN);
      return;
    }
    boolean allowZero = c.intAttr("allowzero", 0) != 0;
    List<SymbolicInt> req = target.get().elements();
    List<Dim> out = new ArrayList<>();
    int inferIndex = -1;
    for (int i = 0; i < req.size(); i++) {
      SymbolicInt r = req.get(i);
      if (r.is(-1)) {
        if (inferIndex >= 0) {
          throw c.mismatch("shape " + target.get() + " has more than one -1, expected at most one");
        }
        inferIndex = i;
        out.add(null);
      } else if (r.is(0) && !allowZero) {
        if (!x.hasRank()) {
          c.output(0, c.type(0), c.freshShape(req.size()));
          return;
        }
        if (i >= x.rank()) {
          throw c.mismatch("shape " + target.get() + " copies dimension " + i + " (0) of input " + x
              + ", expected an index below its rank");
        }
        out.add(x.dim(i));
      } else {
        out.add(c.dim(r, "shape element " + i));
      }
    }
    if (allowZero && inferIndex >= 0 && req.stream().anyMatch(r -> r.is(0))) {
      throw c.mismatch("shape " + target.get() + " has both 0 and -1 with allowzero=1, expected only one of them");
    }
    if (!x.hasRank()) {
      if (inferIndex >= 0) {
        out.set(inferIndex, c.fresh("unk"));
      }
      c.output(0, c.type(0), Shape.of(out));
      return;
    }
    List<Dim> known = new ArrayList<>(out);
    if (inferIndex >= 0) {
      known.remove(inferIndex);
    }
    Dim inferred = quotient(c, x.dimList(), known, inferIndex >= 0);
    if (inferIndex >= 0) {
      out.set(inferIndex, inferred);
    }
    c.output(0, c.type(0), Shape.of(out));
  }

  /**
   * Product(input) / product(known): the dim -1 stands for. Symbols that appear on both sides
   * cancel. Without -1 the products must match. Returns a fresh symbol when it cannot be computed.
   */
  private static Dim quotient(NodeContext c, List<Dim> input, List<Dim> known, boolean hasInferred) {
    List<String> inSymbols = new ArrayList<>();
    long inFixed = 1;
    for (Dim d : input) {
      if (d.isFixed()) {
        inFixed = Math.multiplyExact(inFixed, d.value());
      } else {
        inSymbols.add(d.symbol());
      }
    }
    long outFixed = 1;
    List<String> outSymbols = new ArrayList<>();
    for (Dim d : known) {
      if (d.isFixed()) {
        outFixed = Math.multiplyExact(outFixed, d.value());
      } else if (!inSymbols.remove(d.symbol())) {
        outSymbols.add(d.symbol());
      }
    }
    String input0 = Shape.of(input).toString();
    if (!outSymbols.isEmpty()) {
      return hasInferred ? c.fresh("unk") : null;
    }
    if (!hasInferred) {
      if (inSymbols.isEmpty() && inFixed != outFixed) {
        throw c.mismatch("input " + input0 + " has " + inFixed + " elements, cannot be reshaped to "
            + Shape.of(known) + " (" + outFixed + " elements)");
      }
      return null;
    }
    // -1 = product(input) / product(other output dims)
    if (outFixed == 0) {
      if (inFixed != 0 || !inSymbols.isEmpty()) {
        throw c.mismatch("input " + input0 + " cannot be reshaped with -1 next to a 0 dimension, expected"
            + " an input with 0 elements");
      }
      return c.fresh("unk");
    }
    if (inFixed % outFixed != 0) {
      if (inSymbols.isEmpty()) {
        throw c.mismatch("input " + input0 + " has " + inFixed + " elements, cannot be reshaped to "
            + withMinusOne(known) + ": " + inFixed + " is not a multiple of " + outFixed);
      }
      return c.fresh("unk");
    }
    SymbolicInt q = SymbolicInt.of(inFixed / outFixed);
    for (String s : inSymbols) {
      q = q.times(SymbolicInt.symbol(s));
    }
    return q.toDim();
  }

  private static String withMinusOne(List<Dim> known) {
    return Shape.of(known) + " and -1";
  }

  /** Flatten: [prod(d[0:axis]), prod(d[axis:])]. */
  static void flatten(NodeContext c) {
    Shape x = c.shape(0);
    if (!x.hasRank()) {
      c.output(0, c.type(0), Shape.UNKNOWN);
      return;
    }
    long a = c.intAttr("axis", 1);
    if (a < -x.rank() || a > x.rank()) {
      throw c.mismatch("attribute 'axis' is " + a + ", expected " + (-x.rank()) + ".." + x.rank());
    }
    int axis = (int) (a < 0 ? a + x.rank() : a);
    Dim outer = Dims.product(x.dimList().subList(0, axis)).toDim();
    Dim inner = Dims.product(x.dimList().subList(axis, x.rank())).toDim();
    c.output(0, c.type(0), Shape.of(List.of(outer, inner)));
  }

  /** Squeeze(data, axes?): removes the given axes, or every dimension of size 1. */
  static void squeeze(NodeContext c) {
    Shape x = c.shape(0);
    if (!x.hasRank()) {
      c.output(0, c.type(0), Shape.UNKNOWN);
      return;
    }
    boolean[] drop = new boolean[x.rank()];
    if (c.hasInput(1)) {
      Optional<long[]> axes = c.fixedValue(1);
      if (axes.isEmpty()) {
        c.output(0, c.type(0), Shape.UNKNOWN);
        return;
      }
      for (long a : axes.get()) {
        int axis = c.axis(a, x.rank(), "axis");
        Dim d = x.dim(axis);
        if (d.isFixed() && d.value() != 1) {
          throw c.mismatch("cannot squeeze axis " + axis + " of " + x + ": its size is " + d.value() + ", expected 1");
        }
        drop[axis] = true;
      }
    } else {
      for (int i = 0; i < x.rank(); i++) {
        if (!x.dim(i).isFixed()) {
          c.output(0, c.type(0), Shape.UNKNOWN);
          return;
        }
        drop[i] = x.dim(i).value() == 1;
      }
    }
    List<Dim> out = new ArrayList<>();
    for (int i = 0; i < x.rank(); i++) {
      if (!drop[i]) {
        out.add(x.dim(i));
      }
    }
    c.output(0, c.type(0), Shape.of(out));
    // a [1] vector squeezed to a scalar keeps its value
    c.value(0).filter(v -> v.size() == 1 && out.isEmpty()).ifPresent(v -> c.outputValue(0, KnownValue.scalar(v.get(0))));
  }

  /** Unsqueeze(data, axes): inserts dims of size 1 at the given axes of the output. */
  static void unsqueeze(NodeContext c) {
    Shape x = c.shape(0);
    Optional<long[]> axes = c.fixedValue(1);
    if (!x.hasRank() || axes.isEmpty()) {
      boolean rankKnown = x.hasRank() && c.hasRank(1) && c.shape(1).rank() == 1 && c.shape(1).dim(0).isFixed();
      c.output(0, c.type(0), rankKnown ? c.freshShape(x.rank() + (int) c.shape(1).dim(0).value()) : Shape.UNKNOWN);
      return;
    }
    int rank = x.rank() + axes.get().length;
    boolean[] inserted = new boolean[rank];
    for (long a : axes.get()) {
      int axis = c.axis(a, rank, "axis");
      if (inserted[axis]) {
        throw c.mismatch("axes " + java.util.Arrays.toString(axes.get()) + " name axis " + axis
            + " twice, expected distinct axes");
      }
      inserted[axis] = true;
    }
    List<Dim> out = new ArrayList<>();
    int k = 0;
    for (int i = 0; i < rank; i++) {
      out.add(inserted[i] ? Dim.of(1) : x.dim(k++));
    }
    c.output(0, c.type(0), Shape.of(out));
    // a scalar unsqueezed to [1] keeps its value (a vector too, when the new axes are leading or trailing ones)
    if (rank == 1) {
      c.value(0).ifPresent(v -> c.outputValue(0, KnownValue.vector(v.elements())));
    }
  }

  /** Transpose: out[i] = in[perm[i]], perm defaults to reversing. */
  static void transpose(NodeContext c) {
    Shape x = c.shape(0);
    if (!x.hasRank()) {
      c.output(0, c.type(0), Shape.UNKNOWN);
      return;
    }
    int rank = x.rank();
    long[] perm = c.intsAttr("perm", null);
    if (perm == null) {
      perm = new long[rank];
      for (int i = 0; i < rank; i++) {
        perm[i] = rank - 1 - i;
      }
    }
    if (perm.length != rank) {
      throw c.mismatch("attribute 'perm' " + java.util.Arrays.toString(perm) + " has " + perm.length
          + " entries, expected " + rank + " for input " + x);
    }
    boolean[] seen = new boolean[rank];
    List<Dim> out = new ArrayList<>();
    for (long p : perm) {
      int axis = c.axis(p, rank, "perm entry");
      if (seen[axis]) {
        throw c.mismatch("attribute 'perm' " + java.util.Arrays.toString(perm) + " repeats " + p
            + ", expected a permutation of 0.." + (rank - 1));
      }
      seen[axis] = true;
      out.add(x.dim(axis));
    }
    c.output(0, c.type(0), Shape.of(out));
  }

  /** DepthToSpace: [N, C/(b*b), H*b, W*b]. */
  static void depthToSpace(NodeContext c) {
    blocks(c, false);
  }

  /** SpaceToDepth: [N, C*b*b, H/b, W/b]. */
  static void spaceToDepth(NodeContext c) {
    blocks(c, true);
  }

  private static void blocks(NodeContext c, boolean toDepth) {
    Shape x = c.shape(0);
    if (!x.hasRank()) {
      c.output(0, c.type(0), Shape.UNKNOWN);
      return;
    }
    if (x.rank() != 4) {
      throw c.mismatch("input is " + x + ", expected rank 4 [N,C,H,W]");
    }
    long b = c.attrs().getInt("blocksize");
    if (b < 1) {
      throw c.mismatch("attribute 'blocksize' is " + b + ", expected >= 1");
    }
    SymbolicInt block = SymbolicInt.of(b);
    SymbolicInt area = SymbolicInt.of(Math.multiplyExact(b, b));
    List<Dim> out = new ArrayList<>();
    out.add(x.dim(0));
    if (toDepth) {
      out.add(SymbolicInt.of(x.dim(1)).times(area).toDim());
      out.add(divide(c, x.dim(2), block, "height"));
      out.add(divide(c, x.dim(3), block, "width"));
    } else {
      out.add(divide(c, x.dim(1), area, "channel count"));
      out.add(SymbolicInt.of(x.dim(2)).times(block).toDim());
      out.add(SymbolicInt.of(x.dim(3)).times(block).toDim());
    }
    c.output(0, c.type(0), Shape.of(out));
  }

  private static Dim divide(NodeContext c, Dim d, SymbolicInt by, String what) {
    if (d.isFixed() && d.value() % by.value() != 0) {
      throw c.mismatch("input " + what + " " + d.value() + " is not a multiple of " + by.value()
          + ", expected a multiple of the block size");
    }
    return SymbolicInt.of(d).dividedBy(by).toDim();
  }
}
