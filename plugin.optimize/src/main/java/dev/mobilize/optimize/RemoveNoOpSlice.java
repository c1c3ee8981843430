package dev.mobilize.optimize;

import static dev.mobilize.optimize.Pattern.op;

import dev.mobilize.ir.Node;
import java.util.Arrays;
import java.util.Optional;

/** Removes Slice whose output has the input's static shape: it selects everything, in order. */
final class RemoveNoOpSlice extends RewriteRule {

  @Override
  public String description() {
    return "removes Slice that selects the whole input";
  }

  @Override
  Pattern pattern() {
    return op("Slice");
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
      return m.reject("it selects part of the input");
    }
    // Same shape with a step of -1 would reverse: all steps must be constant 1.
    if (n.hasInput(4)) {
      Optional<long[]> steps = m.constant(n.input(4)).map(t -> t.toLongArray());
      if (steps.isEmpty() || Arrays.stream(steps.get()).anyMatch(s -> s != 1)) {
        return m.reject("its steps are not all 1");
      }
    }
    return Bypass.remove(m, n);
  }
}
