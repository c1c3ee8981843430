package dev.mobilize.optimize;

import static dev.mobilize.optimize.Pattern.op;

import dev.mobilize.ir.Node;
import java.util.List;
import java.util.Optional;

/**
 * Recognises the decomposed hard-swish as {@code HardSwish(x) = x·clip(x/6 + 1/2, 0, 1)} (opset 14):
 * <ul>
 *   <li>{@code x · Clip(x + 3, 0, 6) / 6} (PyTorch, Paddle: Div or Mul by 1/6 after the Mul);
 *   <li>{@code x · HardSigmoid(x) {alpha=1/6, beta=1/2}} (after {@link RecognizeHardSigmoid}).
 * </ul>
 */
final class RecognizeHardSwish extends RewriteRule {

  @Override
  public String description() {
    return "recognises x*Clip(x+3,0,6)/6 and x*HardSigmoid(x) as HardSwish";
  }

  @Override
  int minOpset() {
    return 14;
  }

  @Override
  Pattern pattern() {
    return op("Div", "Mul");
  }

  @Override
  Optional<Rewrite> rewrite(Match m) {
    Node root = m.root();
    GraphView v = m.view();
    // x · HardSigmoid(x)
    if (root.opType().equals("Mul")) {
      for (int i = 0; i < 2 && root.inputs().size() == 2; i++) {
        Optional<Node> hs = Operands.producer(v, root.input(i), "HardSigmoid");
        if (hs.isPresent() && hs.get().input(0).equals(root.input(1 - i))) {
          Node h = hs.get();
          if (!Constants.near(h.attributes().getFloat("alpha", 0.2f), 1.0 / 6)
              || !Constants.near(h.attributes().getFloat("beta", 0.5f), 0.5)) {
            return m.reject("the HardSigmoid is not alpha=1/6, beta=1/2");
          }
          if (v.uses(h.output(0)) != 1) {
            return m.reject("the HardSigmoid is read elsewhere");
          }
          return Optional.of(replace(root, root.input(1 - i), List.of(h)));
        }
      }
    }
    // (x · Clip(x + 3, 0, 6)) / 6
    boolean div = root.opType().equals("Div");
    Optional<String> prod = Operands.withScalar(v, root, div ? 6.0 : 1.0 / 6);
    if (prod.isEmpty() || div && !root.input(0).equals(prod.get())) {
      return m.reject("not x*HardSigmoid(x) and not a division by 6");
    }
    Optional<Node> mul = Operands.producer(v, prod.get(), "Mul");
    if (mul.isEmpty() || mul.get().inputs().size() != 2 || v.uses(mul.get().output(0)) != 1) {
      return m.reject("the dividend is not a Mul read only here");
    }
    for (int i = 0; i < 2; i++) {
      Optional<Node> clip = Operands.producer(v, mul.get().input(i), "Clip");
      if (clip.isEmpty()) {
        continue;
      }
      Optional<String> x = Operands.relu6OfPlus3(v, clip.get());
      if (x.isPresent() && x.get().equals(mul.get().input(1 - i))) {
        Node add = v.producer(clip.get().input(0)).orElseThrow();
        if (v.uses(clip.get().output(0)) != 1 || v.uses(add.output(0)) != 1) {
          return m.reject("a part of the pattern is read elsewhere");
        }
        return Optional.of(replace(root, x.get(), List.of(mul.get(), clip.get(), add)));
      }
    }
    return m.reject("the Mul is not x * Clip(x + 3, 0, 6)");
  }

  private static Rewrite replace(Node root, String x, List<Node> dead) {
    Node hs = Node.builder("HardSwish").name(root.name()).inputs(x).outputs(root.output(0)).build();
    return new Rewrite().remove(dead.toArray(Node[]::new)).replace(root, hs);
  }
}
