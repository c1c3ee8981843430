package dev.mobilize.optimize;

import static dev.mobilize.optimize.Pattern.op;

import dev.mobilize.ir.Node;
import java.util.Optional;

/**
 * Replaces Flatten(axis=1) after global pooling ({@code [N, C, 1, 1] → [N, C]}) by
 * {@code Reshape(x, [0, -1])}, the form mobile frameworks map to their own reshape layer; the 0
 * keeps a dynamic batch.
 */
final class ConvertFlattenToReshape extends RewriteRule {

  @Override
  public String description() {
    return "replaces Flatten after global pooling by Reshape [0, -1]";
  }

  @Override
  Pattern pattern() {
    return op("Flatten").input(0, op("GlobalAveragePool", "GlobalMaxPool").as("pool"));
  }

  @Override
  Optional<Rewrite> rewrite(Match m) {
    Node flat = m.root();
    if (flat.attributes().getInt("axis", 1) != 1) {
      return m.reject("axis is " + flat.attributes().getInt("axis", 1) + ", not 1");
    }
    String shape = m.view().freshName(flat.output(0) + "_shape");
    Node reshape = Node.builder("Reshape").name(flat.name()).inputs(flat.input(0), shape).outputs(flat.outputs()).build();
    return Optional.of(new Rewrite().constant(shape, Constants.int64s(0, -1)).replace(flat, reshape));
  }
}
