package dev.mobilize.optimize;

import static dev.mobilize.optimize.Pattern.op;

import dev.mobilize.ir.Node;
import java.util.Optional;

/** Recognises {@code x · tanh(softplus(x))} as {@code Mish(x)} (opset 18). */
final class RecognizeMish extends RewriteRule {

  @Override
  public String description() {
    return "recognises x*Tanh(Softplus(x)) as Mish";
  }

  @Override
  int minOpset() {
    return 18;
  }

  @Override
  Pattern pattern() {
    return op("Mul").commutative().input(1, op("Tanh").singleUse().as("tanh")
        .input(0, op("Softplus").singleUse().as("softplus")));
  }

  @Override
  Optional<Rewrite> rewrite(Match m) {
    Node mul = m.root();
    Node tanh = m.node("tanh");
    Node softplus = m.node("softplus");
    String x = m.swapped("Mul") ? mul.input(1) : mul.input(0);
    if (!softplus.input(0).equals(x)) {
      return m.reject("the Softplus reads another value than the product");
    }
    Node mish = Node.builder("Mish").name(mul.name()).inputs(x).outputs(mul.output(0)).build();
    return Optional.of(new Rewrite().remove(tanh, softplus).replace(mul, mish));
  }
}
