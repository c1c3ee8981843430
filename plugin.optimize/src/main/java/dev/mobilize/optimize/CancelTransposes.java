package dev.mobilize.optimize;

import static dev.mobilize.optimize.Pattern.op;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Node;
import java.util.Optional;

/**
 * Composes two Transposes: {@code T(T(x, p1), p2) = T(x, p)} with {@code p[j] = p1[p2[j]]}; when
 * {@code p} is the identity both cancel and readers read x.
 */
final class CancelTransposes extends RewriteRule {

  @Override
  public String description() {
    return "cancels or merges consecutive Transposes";
  }

  @Override
  Pattern pattern() {
    return op("Transpose").input(0, op("Transpose").as("first"));
  }

  @Override
  Optional<Rewrite> rewrite(Match m) {
    Node second = m.root();
    Node first = m.node("first");
    long[] p1 = first.attributes().ints("perm", null);
    long[] p2 = second.attributes().ints("perm", null);
    if (p1 == null || p2 == null || p1.length != p2.length) {
      return m.reject("a perm is missing or the ranks differ");
    }
    long[] p = new long[p2.length];
    boolean identity = true;
    for (int j = 0; j < p.length; j++) {
      // p[j] = p1[p2[j]]
      p[j] = p1[(int) p2[j]];
      identity &= p[j] == j;
    }
    String x = first.input(0);
    if (identity) {
      if (!m.view().canReplace(second.output(0), x)) {
        return m.reject("the result is a graph output and x cannot take its name");
      }
      return Optional.of(new Rewrite().remove(second).redirect(second.output(0), x));
    }
    Attributes a = second.attributes().toBuilder().ints("perm", p).build();
    return Optional.of(new Rewrite().replace(second, second.toBuilder().input(0, x).attributes(a).build()));
  }
}
