package dev.mobilize.onnx.shape;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Dim;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The value of a small integer scalar or vector known at inference time (ONNX "data propagation"):
 * shape tensors built by Shape, Gather, Concat, ... Elements may be symbolic.
 *
 * @param scalar true for rank 0 (then there is exactly one element), false for rank 1
 * @param elements the elements in order
 */
record KnownValue(boolean scalar, List<SymbolicInt> elements) {

  /** Larger tensors are not tracked: shape tensors are small. */
  static final int MAX_ELEMENTS = 1024;

  KnownValue {
    elements = List.copyOf(elements);
    if (scalar && elements.size() != 1) {
      throw new IllegalStateException("a scalar has one element, got " + elements.size());
    }
  }

  static KnownValue vector(List<SymbolicInt> elements) {
    return new KnownValue(false, elements);
  }

  static KnownValue scalar(SymbolicInt element) {
    return new KnownValue(true, List.of(element));
  }

  static KnownValue ofLongs(boolean scalar, long... values) {
    List<SymbolicInt> list = new ArrayList<>();
    for (long v : values) {
      list.add(SymbolicInt.of(v));
    }
    return new KnownValue(scalar, list);
  }

  static KnownValue ofDims(List<Dim> dims) {
    return vector(dims.stream().map(SymbolicInt::of).toList());
  }

  /** The value of an integer tensor of rank 0 or 1 with at most {@link #MAX_ELEMENTS} elements. */
  static Optional<KnownValue> of(Tensor t) {
    if (!isIntegral(t.type()) || t.rank() > 1 || t.numElements() > MAX_ELEMENTS) {
      return Optional.empty();
    }
    return Optional.of(ofLongs(t.rank() == 0, t.toLongArray()));
  }

  static boolean isIntegral(DataType t) {
    return t == DataType.INT64 || t == DataType.INT32 || t == DataType.INT16 || t == DataType.INT8
        || t == DataType.UINT8 || t == DataType.UINT16 || t == DataType.UINT32 || t == DataType.BOOL;
  }

  int size() {
    return elements.size();
  }

  SymbolicInt get(int i) {
    return elements.get(i);
  }

  boolean allFixed() {
    return elements.stream().allMatch(SymbolicInt::isFixed);
  }

  /** The fixed elements; only when {@link #allFixed()}. */
  long[] longs() {
    long[] out = new long[elements.size()];
    for (int i = 0; i < out.length; i++) {
      if (!elements.get(i).isFixed()) {
        throw new IllegalStateException("element " + i + " of " + this + " is symbolic");
      }
      out[i] = elements.get(i).value();
    }
    return out;
  }

  Shape shape() {
    return scalar ? Shape.SCALAR : Shape.of(elements.size());
  }

  @Override
  public String toString() {
    return scalar ? elements.get(0).toString() : elements.toString();
  }
}
