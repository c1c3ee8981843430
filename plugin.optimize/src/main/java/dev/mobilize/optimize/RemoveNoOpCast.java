package dev.mobilize.optimize;

import static dev.mobilize.optimize.Pattern.op;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Node;
import java.util.Optional;

/** Removes Cast to the type the input already has. */
final class RemoveNoOpCast extends RewriteRule {

  @Override
  public String description() {
    return "removes Cast to the input's own type";
  }

  @Override
  Pattern pattern() {
    return op("Cast");
  }

  @Override
  Optional<Rewrite> rewrite(Match m) {
    Node n = m.root();
    DataType in = m.view().type(n.input(0));
    if (in == DataType.UNDEFINED) {
      return m.reject("the input type is unknown");
    }
    DataType to = DataType.fromCode((int) n.attributes().getInt("to", 0));
    if (in != to) {
      return m.reject("it converts " + in + " to " + to);
    }
    return Bypass.remove(m, n);
  }
}
