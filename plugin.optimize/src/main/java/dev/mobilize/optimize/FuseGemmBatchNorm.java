package dev.mobilize.optimize;

import static dev.mobilize.optimize.Pattern.op;

import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import java.util.Optional;

/**
 * Folds BatchNormalization over the columns of a Gemm or 2-D MatMul into its weights:
 * {@code B' = B·γ/√(σ²+ε)} per column, {@code C' = (β_gemm·C − μ)·γ/√(σ²+ε) + β}; a MatMul becomes a Gemm.
 */
final class FuseGemmBatchNorm extends RewriteRule {

  @Override
  public String description() {
    return "folds BatchNormalization into the preceding Gemm/MatMul weights";
  }

  @Override
  Pattern pattern() {
    return op("BatchNormalization").input(0, op("Gemm", "MatMul").singleUse().as("linear"));
  }

  @Override
  Optional<Rewrite> rewrite(Match m) {
    Node bn = m.root();
    Node linear = m.node("linear");
    if (m.view().shape(bn.input(0)).map(Shape::rank).orElse(-1) != 2) {
      return m.reject("the BN input is not known to be 2-D");
    }
    Optional<GemmWeights> gw = GemmWeights.of(m, linear);
    if (gw.isEmpty()) {
      return Optional.empty();
    }
    Optional<BatchNorm> affine = BatchNorm.of(m, bn, gw.get().columns);
    if (affine.isEmpty()) {
      return Optional.empty();
    }
    gw.get().scaleShift(affine.get().scale(), affine.get().shift());
    Rewrite r = new Rewrite().remove(bn);
    return Optional.of(r.replace(linear, gw.get().rewritten(m, r, bn.output(0))));
  }
}
