package dev.mobilize.onnx.shape;

import dev.mobilize.ir.Dim;
import dev.mobilize.ir.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Expand (broadcast to a shape) and Tile (repeat along each axis). */
final class ExpandShapes {

  private ExpandShapes() {}

  /** Expand(input, shape): broadcast(input.shape, shape value). */
  static void expand(NodeContext c) {
    Shape x = c.shape(0);
    Optional<KnownValue> target = c.value(1);
    if (target.isEmpty() || !x.hasRank()) {
      Shape s = c.shape(1);
      boolean lengthKnown = x.hasRank() && s.hasRank() && s.rank() == 1 && s.dim(0).isFixed();
      c.output(0, c.type(0), lengthKnown
          ? c.freshShape((int) Math.max(x.rank(), s.dim(0).value())) : Shape.UNKNOWN);
      return;
    }
    List<Dim> dims = new ArrayList<>();
    for (int i = 0; i < target.get().size(); i++) {
      dims.add(c.dim(target.get().get(i), "shape element " + i));
    }
    Shape out = Dims.broadcast(c, List.of(x, Shape.of(dims)));
    c.output(0, c.type(0), out);
    // expanding a known scalar or vector to a small vector keeps its value
    Optional<KnownValue> v = c.value(0);
    if (v.isPresent() && out.isStatic() && out.rank() == 1 && out.numElements() <= KnownValue.MAX_ELEMENTS
        && v.get().size() == 1) {
      List<SymbolicInt> filled = new ArrayList<>();
      for (long i = 0; i < out.numElements(); i++) {
        filled.add(v.get().get(0));
      }
      c.outputValue(0, KnownValue.vector(filled));
    }
  }

  /** Tile(input, repeats): out[i] = in[i] * repeats[i]. */
  static void tile(NodeContext c) {
    Shape x = c.shape(0);
    if (!x.hasRank()) {
      c.output(0, c.type(0), Shape.UNKNOWN);
      return;
    }
    Optional<long[]> repeats = c.fixedValue(1);
    if (repeats.isEmpty()) {
      c.output(0, c.type(0), c.freshShape(x.rank()));
      return;
    }
    if (repeats.get().length != x.rank()) {
      throw c.mismatch("input 'repeats' has " + repeats.get().length + " values, expected " + x.rank()
          + " (the rank of " + x + ")");
    }
    List<Dim> out = new ArrayList<>();
    for (int i = 0; i < x.rank(); i++) {
      out.add(c.dim(SymbolicInt.of(x.dim(i)).times(SymbolicInt.of(repeats.get()[i])), "tiled axis " + i));
    }
    c.output(0, c.type(0), Shape.of(out));
  }
}
