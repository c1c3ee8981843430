package dev.mobilize.optimize;

import static dev.mobilize.optimize.Pattern.op;

import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import java.util.Optional;

/** Removes Dropout at inference: {@code y = x} unless training_mode is set (opset 12+: input 2). */
final class RemoveDropout extends RewriteRule {

  @Override
  public String description() {
    return "removes Dropout (an identity at inference) when its mask is unused";
  }

  @Override
  Pattern pattern() {
    return op("Dropout");
  }

  @Override
  Optional<Rewrite> rewrite(Match m) {
    Node n = m.root();
    if (n.hasInput(2)) {
      Optional<Tensor> training = m.constant(n.input(2));
      if (training.isEmpty() || training.get().toLongArray()[0] != 0) {
        return m.reject("training_mode is not a constant false");
      }
    }
    return Bypass.remove(m, n);
  }
}
