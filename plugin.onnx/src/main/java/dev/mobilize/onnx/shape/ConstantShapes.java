package dev.mobilize.onnx.shape;

import dev.mobilize.ir.Attribute;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Dim;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Constant, ConstantOfShape and Range: outputs made from attributes or known scalars. */
final class ConstantShapes {

  private ConstantShapes() {}

  /** Constant: one of value, value_float(s), value_int(s), value_string(s). */
  static void constant(NodeContext c) {
    Tensor t = tensor(c);
    if (t == null) {
      return;
    }
    c.output(0, t.type(), t.shape());
    c.outputConstant(0, t);
    KnownValue.of(t).ifPresent(v -> c.outputValue(0, v));
  }

  private static Tensor tensor(NodeContext c) {
    for (var e : c.attrs().asMap().entrySet()) {
      Attribute a = e.getValue();
      switch (e.getKey()) {
        case "value":
          if (a instanceof Attribute.TensorValue t) {
            return t.value();
          }
          break;
        case "value_float":
          return Tensor.scalar(c.attrs().getFloat("value_float"));
        case "value_floats": {
          float[] f = c.attrs().floats("value_floats");
          return Tensor.ofFloats(new long[] {f.length}, f);
        }
        case "value_int":
          return Tensor.ofLongs(new long[0], c.attrs().getInt("value_int"));
        case "value_ints": {
          long[] v = c.attrs().ints("value_ints");
          return Tensor.ofLongs(new long[] {v.length}, v);
        }
        case "value_string":
          return Tensor.ofStrings(new long[0], List.of(c.attrs().getString("value_string")));
        case "value_strings": {
          List<String> s = c.attrs().strings("value_strings");
          return Tensor.ofStrings(new long[] {s.size()}, s);
        }
        default:
          break;
      }
    }
    if (c.attrs().has("sparse_value")) {
      return null;
    }
    throw c.mismatch("Constant has none of the attributes value, value_float(s), value_int(s), value_string(s);"
        + " expected exactly one");
  }

  /** ConstantOfShape(shape): dims = the input's value, type of attribute value (default float). */
  static void constantOfShape(NodeContext c) {
    DataType type = DataType.FLOAT;
    Tensor value = null;
    if (c.attrs().has("value")) {
      value = c.attrs().tensor("value");
      type = value.type();
    }
    Optional<KnownValue> dims = c.value(0);
    if (dims.isEmpty()) {
      Shape s = c.shape(0);
      boolean lengthKnown = s.hasRank() && s.rank() == 1 && s.dim(0).isFixed();
      c.output(0, type, lengthKnown ? c.freshShape((int) s.dim(0).value()) : Shape.UNKNOWN);
      return;
    }
    List<Dim> out = new ArrayList<>();
    for (int i = 0; i < dims.get().size(); i++) {
      out.add(c.dim(dims.get().get(i), "shape element " + i));
    }
    Shape shape = Shape.of(out);
    c.output(0, type, shape);
    // a small integer vector filled with a known value stays known
    if (shape.isStatic() && shape.rank() <= 1 && shape.numElements() <= KnownValue.MAX_ELEMENTS
        && (value == null ? false : KnownValue.isIntegral(type))) {
      long fill = value.toLongArray().length > 0 ? value.toLongArray()[0] : 0;
      long[] v = Dims.filled((int) shape.numElements(), fill);
      c.outputValue(0, KnownValue.ofLongs(shape.rank() == 0, v));
    }
  }

  /** Range(start, limit, delta): 1-D of max(ceil((limit - start) / delta), 0) elements. */
  static void range(NodeContext c) {
    DataType type = c.type(0);
    Optional<Tensor> start = c.constant(0);
    Optional<Tensor> limit = c.constant(1);
    Optional<Tensor> delta = c.constant(2);
    Optional<long[]> si = c.fixedValue(0);
    Optional<long[]> li = c.fixedValue(1);
    Optional<long[]> di = c.fixedValue(2);
    if (si.isPresent() && li.isPresent() && di.isPresent()) {
      long s = si.get()[0];
      long l = li.get()[0];
      long d = di.get()[0];
      if (d == 0) {
        throw c.mismatch("delta is 0, expected a non-zero step");
      }
      // n = max(ceil((limit - start) / delta), 0)
      long n = Math.max(0, Math.floorDiv(Math.subtractExact(l, s) + d + (d > 0 ? -1 : 1), d));
      c.output(0, type, Shape.of(n));
      if (n <= KnownValue.MAX_ELEMENTS) {
        long[] v = new long[(int) n];
        for (int i = 0; i < n; i++) {
          v[i] = s + i * d;
        }
        c.outputValue(0, KnownValue.ofLongs(false, v));
      }
    } else if (start.isPresent() && limit.isPresent() && delta.isPresent() && type.isFloatingPoint()) {
      double s = start.get().toFloatArray()[0];
      double l = limit.get().toFloatArray()[0];
      double d = delta.get().toFloatArray()[0];
      if (d == 0) {
        throw c.mismatch("delta is 0, expected a non-zero step");
      }
      c.output(0, type, Shape.of((long) Math.max(0, Math.ceil((l - s) / d))));
    } else {
      c.output(0, type, Shape.of(List.of(c.fresh("range_count"))));
    }
  }
}
