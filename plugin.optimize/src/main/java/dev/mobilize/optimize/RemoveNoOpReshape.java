package dev.mobilize.optimize;

import static dev.mobilize.optimize.Pattern.op;

import dev.mobilize.ir.Node;
import java.util.Arrays;
import java.util.Optional;

/** Removes Reshape, Flatten, Squeeze and Unsqueeze whose output shape equals the input shape. */
final class RemoveNoOpReshape extends RewriteRule {

  @Override
  public String description() {
    return "removes Reshape/Flatten/Squeeze/Unsqueeze that keep the shape";
  }

  @Override
  Pattern pattern() {
    return op("Reshape", "Flatten", "Squeeze", "Unsqueeze");
  }

  @Override
  Optional<Rewrite> rewrite(Match m) {
    Node n = m.root();
    Optional<long[]> in = m.view().staticShape(n.input(0));
    Optional<long[]> out = m.view().staticShape(n.output(0));
    if (in.isEmpty() || out.isEmpty()) {
      return m.reject("the input or output shape is not static");
    }
    if (!Arrays.equals(in.get(), out.get())) {
      return m.reject("it changes the shape");
    }
    return Bypass.remove(m, n);
  }
}
