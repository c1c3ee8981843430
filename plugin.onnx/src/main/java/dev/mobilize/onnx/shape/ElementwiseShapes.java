package dev.mobilize.onnx.shape;

import dev.mobilize.ir.DataType;

/** Ops whose output has the shape of their first input: activations, math functions, Softmax, Cast, ... */
final class ElementwiseShapes {

  private ElementwiseShapes() {}

  /** Output 0 = input 0 (type and shape). */
  static void same(NodeContext c) {
    c.output(0, c.type(0), c.shape(0));
  }

  /** Identity: also passes on a known value or constant. */
  static void identity(NodeContext c) {
    same(c);
    c.value(0).ifPresent(v -> c.outputValue(0, v));
    c.constant(0).ifPresent(t -> c.outputConstant(0, t));
  }

  /** Neg: also negates a known integer value. */
  static void neg(NodeContext c) {
    same(c);
    c.value(0).ifPresent(v -> c.outputValue(0, new KnownValue(v.scalar(),
        v.elements().stream().map(x -> SymbolicInt.of(0).minus(x)).toList())));
  }

  /** Not, IsNaN, IsInf: a bool of the input's shape. */
  static void bool(NodeContext c) {
    c.output(0, DataType.BOOL, c.shape(0));
  }

  /** Cast: the type of attribute {@code to}; integer values stay known. */
  static void cast(NodeContext c) {
    long code = c.attrs().getInt("to");
    DataType to;
    try {
      to = DataType.fromCode((int) code);
    } catch (IllegalArgumentException e) {
      throw c.mismatch("attribute 'to' is " + code + ", expected an ONNX data type code 1..22");
    }
    c.output(0, to, c.shape(0));
    if (KnownValue.isIntegral(to) && to != DataType.BOOL && KnownValue.isIntegral(c.type(0))) {
      c.value(0).ifPresent(v -> c.outputValue(0, v));
    }
  }

  /** CastLike: the type of input 1. */
  static void castLike(NodeContext c) {
    c.output(0, c.type(1), c.shape(0));
    if (KnownValue.isIntegral(c.type(1)) && KnownValue.isIntegral(c.type(0))) {
      c.value(0).ifPresent(v -> c.outputValue(0, v));
    }
  }

  /** Dropout: output 0 like the input, the optional mask a bool of the same shape. */
  static void dropout(NodeContext c) {
    same(c);
    c.output(1, DataType.BOOL, c.shape(0));
  }
}
