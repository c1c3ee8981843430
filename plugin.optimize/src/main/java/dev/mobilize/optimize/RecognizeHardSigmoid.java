package dev.mobilize.optimize;

import static dev.mobilize.optimize.Pattern.op;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Node;
import java.util.Optional;

/**
 * Recognises the decomposed hard-sigmoid {@code Clip(x + 3, 0, 6) / 6} (or {@code · 1/6}) as
 * {@code HardSigmoid(x) {alpha=1/6, beta=0.5}}: {@code clip(x+3, 0, 6)/6 = clip(x/6 + 1/2, 0, 1)}.
 */
final class RecognizeHardSigmoid extends RewriteRule {

  @Override
  public String description() {
    return "recognises Clip(x+3,0,6)/6 as HardSigmoid";
  }

  @Override
  Pattern pattern() {
    return op("Div", "Mul").commutative().input(0, op("Clip").singleUse().as("clip"));
  }

  @Override
  Optional<Rewrite> rewrite(Match m) {
    Node root = m.root();
    Node clip = m.node("clip");
    boolean div = root.opType().equals("Div");
    if (div && m.swapped("Div")) {
      return m.reject("the Clip is the divisor");
    }
    if (Operands.withScalar(m.view(), root, div ? 6.0 : 1.0 / 6).isEmpty()) {
      return m.reject("it does not divide by 6");
    }
    Optional<String> x = Operands.relu6OfPlus3(m.view(), clip);
    if (x.isEmpty()) {
      return m.reject("the Clip is not Clip(x + 3, 0, 6)");
    }
    Node add = m.view().producer(clip.input(0)).orElseThrow();
    if (m.view().uses(add.output(0)) != 1) {
      return m.reject("x + 3 is read elsewhere");
    }
    Node hs = Node.builder("HardSigmoid").name(root.name()).inputs(x.get()).outputs(root.output(0))
        .attributes(Attributes.builder().set("alpha", 1f / 6).set("beta", 0.5f).build()).build();
    return Optional.of(new Rewrite().remove(add, clip).replace(root, hs));
  }
}
