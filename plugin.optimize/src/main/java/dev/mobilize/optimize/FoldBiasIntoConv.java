package dev.mobilize.optimize;

import static dev.mobilize.optimize.Pattern.op;

import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import java.util.Arrays;
import java.util.Optional;

/**
 * Folds a per-channel constant Add or Sub after a Conv or Gemm into its bias:
 * {@code conv(x; w, b) + k = conv(x; w, b + k)}, and {@code − k} is {@code + (−k)}.
 */
final class FoldBiasIntoConv extends RewriteRule {

  @Override
  public String description() {
    return "folds a constant per-channel Add/Sub into the preceding Conv/Gemm bias";
  }

  @Override
  Pattern pattern() {
    return op("Add", "Sub").commutative().input(0, op("Conv", "Gemm").singleUse().as("linear"));
  }

  @Override
  Optional<Rewrite> rewrite(Match m) {
    Node op = m.root();
    Node linear = m.node("linear");
    boolean sub = op.opType().equals("Sub");
    if (sub && m.swapped("Add")) {
      return m.reject("the convolution is subtracted (k − conv)");
    }
    String kName = m.swapped("Add") ? op.input(0) : op.input(1);
    Optional<Tensor> k = m.constant(kName);
    if (k.isEmpty()) {
      return m.reject("the other operand is not constant");
    }
    int rank = m.view().shape(linear.output(0)).map(Shape::rank).orElse(-1);
    if (rank < 2) {
      return m.reject("the rank of " + linear.describe() + "'s output is unknown");
    }
    boolean conv = linear.opType().equals("Conv");
    Optional<ConvWeights> cw = conv ? ConvWeights.of(m, linear) : Optional.empty();
    Optional<GemmWeights> gw = conv ? Optional.empty() : GemmWeights.of(m, linear);
    if (cw.isEmpty() && gw.isEmpty()) {
      return Optional.empty();
    }
    int channels = conv ? cw.get().outChannels : gw.get().columns;
    Optional<float[]> t = Constants.perChannel(k.get(), rank, 1, channels);
    if (t.isEmpty()) {
      return m.reject("the constant " + Arrays.toString(k.get().dims()) + " is not one value per output channel");
    }
    float[] shift = t.get();
    if (sub) {
      for (int i = 0; i < shift.length; i++) {
        shift[i] = -shift[i];
      }
    }
    float[] one = new float[channels];
    Arrays.fill(one, 1f);
    Rewrite r = new Rewrite().remove(op);
    if (conv) {
      cw.get().scaleShift(one, shift);
      return Optional.of(r.replace(linear, cw.get().rewritten(m, r, op.output(0))));
    }
    gw.get().scaleShift(one, shift);
    return Optional.of(r.replace(linear, gw.get().rewritten(m, r, op.output(0))));
  }
}
