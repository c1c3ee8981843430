package dev.mobilize.optimize;

import static dev.mobilize.optimize.Pattern.op;

import dev.mobilize.ir.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Recognises the exact GELU built from Erf, {@code 0.5·x·(1 + erf(x/√2))}, as {@code Gelu(x)}
 * (opset 20), in PyTorch's form {@code ((x · (erf(x/√2) + 1)) · 0.5)} and the form
 * {@code (x · 0.5) · (erf(x/√2) + 1)}; {@code x/√2} may be {@code x · (1/√2)}.
 */
final class RecognizeGelu extends RewriteRule {

  private static final double SQRT2 = Math.sqrt(2);

  @Override
  public String description() {
    return "recognises 0.5*x*(1+Erf(x/sqrt2)) as Gelu";
  }

  @Override
  int minOpset() {
    return 20;
  }

  @Override
  Pattern pattern() {
    return op("Mul");
  }

  /** The nodes of {@code erf(x/√2) + 1} producing {@code value}, x last; empty if it is not that. */
  private static Optional<List<Object>> erfPlusOne(GraphView v, String value) {
    Optional<Node> add = Operands.producer(v, value, "Add");
    if (add.isEmpty() || v.uses(value) != 1) {
      return Optional.empty();
    }
    Optional<Node> erf = Operands.withScalar(v, add.get(), 1.0).flatMap(e -> Operands.producer(v, e, "Erf"));
    if (erf.isEmpty() || v.uses(erf.get().output(0)) != 1) {
      return Optional.empty();
    }
    Optional<Node> scale = v.producer(erf.get().input(0));
    if (scale.isEmpty() || v.uses(scale.get().output(0)) != 1 || !scale.get().domain().isEmpty()) {
      return Optional.empty();
    }
    Optional<String> x = switch (scale.get().opType()) {
      case "Div" -> Operands.withScalar(v, scale.get(), SQRT2).filter(s -> s.equals(scale.get().input(0)));
      case "Mul" -> Operands.withScalar(v, scale.get(), 1 / SQRT2);
      default -> Optional.empty();
    };
    if (x.isEmpty()) {
      return Optional.empty();
    }
    List<Object> out = new ArrayList<>(List.of(add.get(), erf.get(), scale.get()));
    out.add(x.get());
    return Optional.of(out);
  }

  @Override
  Optional<Rewrite> rewrite(Match m) {
    Node root = m.root();
    GraphView v = m.view();
    if (root.inputs().size() != 2) {
      return m.reject("not a binary Mul");
    }
    // ((x · (erf(x/√2) + 1)) · 0.5)
    Optional<Node> inner = Operands.withScalar(v, root, 0.5).flatMap(t -> Operands.producer(v, t, "Mul"));
    if (inner.isPresent() && v.uses(inner.get().output(0)) == 1 && inner.get().inputs().size() == 2) {
      for (int i = 0; i < 2; i++) {
        Optional<List<Object>> e = erfPlusOne(v, inner.get().input(i));
        if (e.isPresent() && e.get().get(3).equals(inner.get().input(1 - i))) {
          return Optional.of(gelu(root, (String) e.get().get(3), e.get(), inner.get()));
        }
      }
    }
    // (x · 0.5) · (erf(x/√2) + 1)
    for (int i = 0; i < 2; i++) {
      Optional<List<Object>> e = erfPlusOne(v, root.input(i));
      if (e.isEmpty()) {
        continue;
      }
      Optional<Node> half = Operands.producer(v, root.input(1 - i), "Mul");
      if (half.isPresent() && v.uses(half.get().output(0)) == 1
          && Operands.withScalar(v, half.get(), 0.5).filter(x -> x.equals(e.get().get(3))).isPresent()) {
        return Optional.of(gelu(root, (String) e.get().get(3), e.get(), half.get()));
      }
    }
    return m.reject("not 0.5*x*(1+erf(x/sqrt(2)))");
  }

  private static Rewrite gelu(Node root, String x, List<Object> parts, Node other) {
    Node g = Node.builder("Gelu").name(root.name()).inputs(x).outputs(root.output(0)).build();
    return new Rewrite().remove((Node) parts.get(0), (Node) parts.get(1), (Node) parts.get(2), other).replace(root, g);
  }
}
