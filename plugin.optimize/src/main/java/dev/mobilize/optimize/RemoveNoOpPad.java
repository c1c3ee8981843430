package dev.mobilize.optimize;

import static dev.mobilize.optimize.Pattern.op;

import dev.mobilize.ir.Node;
import java.util.Arrays;
import java.util.Optional;

/** Removes Pad whose pads (input 1, opset 11+) are all zero. */
final class RemoveNoOpPad extends RewriteRule {

  @Override
  public String description() {
    return "removes Pad with all-zero pads";
  }

  @Override
  Pattern pattern() {
    return op("Pad");
  }

  @Override
  Optional<Rewrite> rewrite(Match m) {
    Node n = m.root();
    Optional<long[]> pads = m.constant(n.input(1)).map(t -> t.toLongArray());
    if (pads.isEmpty()) {
      return m.reject("pads are not constant");
    }
    if (Arrays.stream(pads.get()).anyMatch(p -> p != 0)) {
      return m.reject("it pads " + Arrays.toString(pads.get()));
    }
    return Bypass.remove(m, n);
  }
}
