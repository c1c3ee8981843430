package dev.mobilize.optimize;

import static dev.mobilize.optimize.Pattern.op;

import dev.mobilize.ir.Node;
import java.util.Optional;

/** Folds a zero constant Pad over the spatial dims into the following Conv's pads: {@code pads' = pads + p}. */
final class FoldPadIntoConv extends RewriteRule {

  @Override
  public String description() {
    return "folds a zero Pad into the following Conv's pads";
  }

  @Override
  Pattern pattern() {
    return op("Conv").input(0, op("Pad").singleUse().as("pad"));
  }

  @Override
  Optional<Rewrite> rewrite(Match m) {
    Node conv = m.root();
    Node pad = m.node("pad");
    Optional<long[]> pads = PadInto.spatialPads(m, pad, conv, 0f);
    if (pads.isEmpty()) {
      return Optional.empty();
    }
    Node fused = conv.toBuilder().input(0, pad.input(0))
        .attributes(conv.attributes().toBuilder().ints("pads", pads.get()).build()).build();
    return Optional.of(new Rewrite().remove(pad).replace(conv, fused));
  }
}
