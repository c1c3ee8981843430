package dev.mobilize.optimize;

import static dev.mobilize.optimize.Pattern.op;

import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import java.util.Arrays;
import java.util.Optional;

/**
 * Folds a per-channel constant Mul or Div after a Conv or Gemm into its weights:
 * {@code conv(x; w, b)·k = conv(x; w·k, b·k)}, and {@code /k} is {@code ·(1/k)}.
 */
final class FoldScaleIntoConv extends RewriteRule {

  @Override
  public String description() {
    return "folds a constant per-channel Mul/Div into the preceding Conv/Gemm";
  }

  @Override
  Pattern pattern() {
    return op("Mul", "Div").commutative().input(0, op("Conv", "Gemm").singleUse().as("linear"));
  }

  @Override
  Optional<Rewrite> rewrite(Match m) {
    Node op = m.root();
    Node linear = m.node("linear");
    boolean div = op.opType().equals("Div");
    if (div && m.swapped("Mul")) {
      return m.reject("the convolution is the divisor");
    }
    String kName = m.swapped("Mul") ? op.input(0) : op.input(1);
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
    Optional<float[]> s = Constants.perChannel(k.get(), rank, 1, channels);
    if (s.isEmpty()) {
      return m.reject("the constant " + Arrays.toString(k.get().dims()) + " is not one value per output channel");
    }
    float[] scale = s.get();
    if (div) {
      for (int i = 0; i < scale.length; i++) {
        scale[i] = 1f / scale[i];
      }
    }
    float[] zero = new float[channels];
    Rewrite r = new Rewrite().remove(op);
    if (conv) {
      cw.get().scaleShift(scale, zero);
      return Optional.of(r.replace(linear, cw.get().rewritten(m, r, op.output(0))));
    }
    gw.get().scaleShift(scale, zero);
    return Optional.of(r.replace(linear, gw.get().rewritten(m, r, op.output(0))));
  }
}
