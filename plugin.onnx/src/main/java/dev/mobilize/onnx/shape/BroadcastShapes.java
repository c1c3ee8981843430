package dev.mobilize.onnx.shape;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BinaryOperator;

/**
 * Elementwise ops over inputs broadcast together (numpy rules): arithmetic, comparisons, logic,
 * Where. Add, Sub, Mul, Div, Min and Max of known integer values are computed.
 */
final class BroadcastShapes {

  private BroadcastShapes() {}

  /** Output of the first input's type and the broadcast shape of all inputs. */
  static void arithmetic(NodeContext c) {
    c.output(0, firstType(c, 0), broadcastAll(c, 0));
    propagate(c);
  }

  /** Equal, Less, ...: bool of the broadcast shape. */
  static void comparison(NodeContext c) {
    c.output(0, DataType.BOOL, broadcastAll(c, 0));
  }

  /** Where(condition, x, y): x's type, all three broadcast. */
  static void where(NodeContext c) {
    c.output(0, firstType(c, 1), broadcastAll(c, 0));
  }

  private static DataType firstType(NodeContext c, int from) {
    for (int i = from; i < c.inputCount(); i++) {
      if (c.type(i) != DataType.UNDEFINED) {
        return c.type(i);
      }
    }
    return DataType.UNDEFINED;
  }

  private static Shape broadcastAll(NodeContext c, int from) {
    List<Shape> shapes = new ArrayList<>();
    for (int i = from; i < c.inputCount(); i++) {
      shapes.add(c.hasInput(i) ? c.shape(i) : null);
    }
    return Dims.broadcast(c, shapes);
  }

  // known integer values combine elementwise (scalars and vectors, with broadcasting)
  private static void propagate(NodeContext c) {
    BinaryOperator<SymbolicInt> f = switch (c.op()) {
      case "Add", "Sum" -> SymbolicInt::plus;
      case "Sub" -> SymbolicInt::minus;
      case "Mul" -> SymbolicInt::times;
      case "Div" -> SymbolicInt::dividedBy;
      case "Min" -> (a, b) -> a.isFixed() && b.isFixed() ? SymbolicInt.of(Math.min(a.value(), b.value())) : null;
      case "Max" -> (a, b) -> a.isFixed() && b.isFixed() ? SymbolicInt.of(Math.max(a.value(), b.value())) : null;
      default -> null;
    };
    if (f == null || c.inputCount() == 0 || !KnownValue.isIntegral(c.type(0))) {
      return;
    }
    Optional<KnownValue> acc = c.value(0);
    for (int i = 1; i < c.inputCount() && acc.isPresent(); i++) {
      Optional<KnownValue> next = c.value(i);
      acc = next.isEmpty() ? Optional.empty() : combine(acc.get(), next.get(), f);
    }
    acc.ifPresent(v -> c.outputValue(0, v));
  }

  private static Optional<KnownValue> combine(KnownValue a, KnownValue b, BinaryOperator<SymbolicInt> f) {
    int n = Math.max(a.size(), b.size());
    if (a.size() != n && a.size() != 1 || b.size() != n && b.size() != 1) {
      return Optional.empty();
    }
    List<SymbolicInt> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      SymbolicInt r = f.apply(a.get(a.size() == 1 ? 0 : i), b.get(b.size() == 1 ? 0 : i));
      if (r == null) {
        return Optional.empty();
      }
      out.add(r);
    }
    return Optional.of(new KnownValue(a.scalar() && b.scalar(), out));
  }
}
