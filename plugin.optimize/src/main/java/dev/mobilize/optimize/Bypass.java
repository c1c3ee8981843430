package dev.mobilize.optimize;

import dev.mobilize.ir.Node;
import java.util.Optional;

/** The rewrite shared by rules that delete a node computing its first input unchanged. */
final class Bypass {

  private Bypass() {}

  /** Removes {@code n} (y = x) and lets y's readers read x. */
  static Optional<Rewrite> remove(Match m, Node n) {
    for (int i = 1; i < n.outputs().size(); i++) {
      if (!n.output(i).isEmpty() && m.view().uses(n.output(i)) > 0) {
        return m.reject("output '" + n.output(i) + "' is read");
      }
    }
    String x = n.input(0);
    String y = n.output(0);
    if (!m.view().canReplace(y, x)) {
      return m.reject("'" + y + "' is a graph output and '" + x + "' is a graph input, constant or output");
    }
    return Optional.of(new Rewrite().remove(n).redirect(y, x));
  }
}
