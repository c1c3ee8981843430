package dev.mobilize.optimize;

import static dev.mobilize.optimize.Pattern.op;

import dev.mobilize.ir.Node;
import java.util.Optional;

/**
 * Folds a constant Pad into the following pooling's pads where the pool's own padding means the same
 * value: 0 for AveragePool with count_include_pad=1, −∞ for MaxPool.
 */
final class FoldPadIntoPool extends RewriteRule {

  @Override
  public String description() {
    return "folds a Pad into the following AveragePool (zeros counted) or MaxPool (-inf)";
  }

  @Override
  Pattern pattern() {
    return op("AveragePool", "MaxPool").input(0, op("Pad").singleUse().as("pad"));
  }

  @Override
  Optional<Rewrite> rewrite(Match m) {
    Node pool = m.root();
    Node pad = m.node("pad");
    float fill;
    if (pool.opType().equals("AveragePool")) {
      if (pool.attributes().getInt("count_include_pad", 0) == 0) {
        return m.reject("AveragePool does not count padded zeros (count_include_pad=0)");
      }
      fill = 0f;
    } else {
      if (pool.outputs().size() > 1 && !pool.output(1).isEmpty()) {
        return m.reject("MaxPool's indices output would change");
      }
      fill = Float.NEGATIVE_INFINITY;
    }
    Optional<long[]> pads = PadInto.spatialPads(m, pad, pool, fill);
    if (pads.isEmpty()) {
      return Optional.empty();
    }
    Node fused = pool.toBuilder().input(0, pad.input(0))
        .attributes(pool.attributes().toBuilder().ints("pads", pads.get()).build()).build();
    return Optional.of(new Rewrite().remove(pad).replace(pool, fused));
  }
}
