package dev.mobilize.optimize;

import static dev.mobilize.optimize.Pattern.op;

import dev.mobilize.ir.Node;
import java.util.Optional;

/**
 * Folds BatchNormalization into the Conv or ConvTranspose before it:
 * {@code w' = w·γ/√(σ²+ε)}, {@code b' = (b − μ)·γ/√(σ²+ε) + β}.
 */
final class FuseConvBatchNorm extends RewriteRule {

  @Override
  public String description() {
    return "folds BatchNormalization into the preceding Conv/ConvTranspose weights";
  }

  @Override
  Pattern pattern() {
    return op("BatchNormalization").input(0, op("Conv", "ConvTranspose").singleUse().as("conv"));
  }

  @Override
  Optional<Rewrite> rewrite(Match m) {
    Node bn = m.root();
    Node conv = m.node("conv");
    Optional<ConvWeights> cw = ConvWeights.of(m, conv);
    if (cw.isEmpty()) {
      return Optional.empty();
    }
    Optional<BatchNorm> affine = BatchNorm.of(m, bn, cw.get().outChannels);
    if (affine.isEmpty()) {
      return Optional.empty();
    }
    cw.get().scaleShift(affine.get().scale(), affine.get().shift());
    Rewrite r = new Rewrite().remove(bn);
    return Optional.of(r.replace(conv, cw.get().rewritten(m, r, bn.output(0))));
  }
}
