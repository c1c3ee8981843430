package dev.mobilize.optimize;

import static dev.mobilize.optimize.Pattern.op;

import dev.mobilize.ir.Node;
import java.util.Optional;

/** Removes Transpose whose perm is the identity {@code [0, 1, ..., r-1]}. */
final class RemoveNoOpTranspose extends RewriteRule {

  @Override
  public String description() {
    return "removes Transpose with the identity permutation";
  }

  @Override
  Pattern pattern() {
    return op("Transpose");
  }

  @Override
  Optional<Rewrite> rewrite(Match m) {
    Node n = m.root();
    long[] perm = n.attributes().ints("perm", null);
    if (perm == null) {
      int rank = m.view().shape(n.input(0)).map(s -> s.rank()).orElse(-1);
      if (rank < 0 || rank > 1) {
        return m.reject("no perm: it reverses the dims");
      }
      return Bypass.remove(m, n);
    }
    for (int i = 0; i < perm.length; i++) {
      if (perm[i] != i) {
        return m.reject("perm " + java.util.Arrays.toString(perm) + " moves dims");
      }
    }
    return Bypass.remove(m, n);
  }
}
