package dev.mobilize.optimize;

import static dev.mobilize.optimize.Pattern.op;

import java.util.Optional;

/** Removes Identity: {@code y = x}. */
final class RemoveIdentity extends RewriteRule {

  @Override
  public String description() {
    return "removes Identity nodes (readers read the input directly)";
  }

  @Override
  Pattern pattern() {
    return op("Identity");
  }

  @Override
  Optional<Rewrite> rewrite(Match m) {
    return Bypass.remove(m, m.root());
  }
}
