package dev.mobilize.optimize;

import dev.mobilize.ir.Node;
import java.util.Optional;

/** Reading binary nodes whose constant operand may be on either side. */
final class Operands {

  private Operands() {}

  /** The non-constant operand of a binary node whose other operand is the constant scalar {@code value}. */
  static Optional<String> withScalar(GraphView v, Node n, double value) {
    if (n.inputs().size() != 2) {
      return Optional.empty();
    }
    for (int i = 0; i < 2; i++) {
      Optional<Float> k = v.scalar(n.input(1 - i));
      if (k.isPresent() && Constants.near(k.get(), value) && !v.isConstant(n.input(i))) {
        return Optional.of(n.input(i));
      }
    }
    return Optional.empty();
  }

  /** The operand of a commutative binary node other than {@code one}, or empty if neither is it. */
  static Optional<String> other(Node n, String one) {
    if (n.inputs().size() != 2) {
      return Optional.empty();
    }
    if (n.input(0).equals(one)) {
      return Optional.of(n.input(1));
    }
    if (n.input(1).equals(one)) {
      return Optional.of(n.input(0));
    }
    return Optional.empty();
  }

  /** The producer of {@code value} if it is a default-domain {@code op}. */
  static Optional<Node> producer(GraphView v, String value, String op) {
    return v.producer(value).filter(p -> p.domain().isEmpty() && p.opType().equals(op));
  }

  /**
   * For {@code y = Clip(x + 3, 0, 6)} returns x: the decomposed ReLU6(x + 3) of hard-sigmoid and
   * hard-swish (bounds as inputs, opset 11+).
   */
  static Optional<String> relu6OfPlus3(GraphView v, Node clip) {
    if (!clip.opType().equals("Clip") || !clip.domain().isEmpty()) {
      return Optional.empty();
    }
    Optional<Float> lo = clip.hasInput(1) ? v.scalar(clip.input(1)) : Optional.empty();
    Optional<Float> hi = clip.hasInput(2) ? v.scalar(clip.input(2)) : Optional.empty();
    if (lo.isEmpty() || hi.isEmpty() || lo.get() != 0f || hi.get() != 6f) {
      return Optional.empty();
    }
    return producer(v, clip.input(0), "Add").flatMap(add -> withScalar(v, add, 3.0));
  }
}
