package dev.mobilize.optimize;

import static dev.mobilize.optimize.Pattern.op;

import dev.mobilize.ir.Node;
import java.util.Arrays;
import java.util.Optional;

/**
 * Merges a Reshape that follows another reshaping node (Reshape, Flatten, Squeeze, Unsqueeze):
 * only the last shape counts, {@code Reshape(Reshape(x, s1), s2) = Reshape(x, s2)}, provided s2
 * does not copy a dim (0) from the intermediate; with a static output shape, that shape is used.
 */
final class MergeReshapes extends RewriteRule {

  @Override
  public String description() {
    return "merges consecutive Reshape-like nodes into one Reshape";
  }

  @Override
  Pattern pattern() {
    return op("Reshape").input(0, op("Reshape", "Flatten", "Squeeze", "Unsqueeze").as("first"));
  }

  @Override
  Optional<Rewrite> rewrite(Match m) {
    Node second = m.root();
    Node first = m.node("first");
    Optional<long[]> out = m.view().staticShape(second.output(0));
    Rewrite r = new Rewrite();
    String shape;
    if (out.isPresent()) {
      shape = m.view().freshName(second.output(0) + "_shape");
      r.constant(shape, Constants.int64s(out.get()));
    } else {
      Optional<long[]> s2 = m.constant(second.input(1)).map(t -> t.toLongArray());
      if (s2.isEmpty()) {
        return m.reject("the second shape is not constant and the output shape is not static");
      }
      boolean allowZero = second.attributes().getInt("allowzero", 0) != 0;
      if (!allowZero && Arrays.stream(s2.get()).anyMatch(d -> d == 0)) {
        return m.reject("the second shape copies a dim (0) of the intermediate shape");
      }
      shape = second.input(1);
    }
    Node merged = Node.builder("Reshape").name(second.name()).inputs(first.input(0), shape)
        .outputs(second.outputs()).attributes(second.attributes()).build();
    return Optional.of(r.replace(second, merged));
  }
}
