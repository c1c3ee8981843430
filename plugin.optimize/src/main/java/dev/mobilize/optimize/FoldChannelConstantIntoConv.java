package dev.mobilize.optimize;

import static dev.mobilize.optimize.Pattern.op;

import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import java.util.Arrays;
import java.util.Optional;

/**
 * Folds a per-output-channel constant applied after a single-use Conv or Gemm into its weights and
 * bias: the binary op {@code forward} (Add, Mul) in either operand order, and its inverse (Sub, Div)
 * with the convolution on the left.
 */
abstract class FoldChannelConstantIntoConv extends RewriteRule {

  private final String forward;
  private final String inverse;

  FoldChannelConstantIntoConv(String forward, String inverse) {
    this.forward = forward;
    this.inverse = inverse;
  }

  /**
   * The per-channel affine map {@code y·scale + shift} that applying {@code k} is.
   *
   * @param k the constant, one value per output channel
   * @param inverted true for the inverse op
   * @return {scale, shift}
   */
  abstract float[][] scaleShift(float[] k, boolean inverted);

  @Override
  Pattern pattern() {
    return op(forward, inverse).commutative().input(0, op("Conv", "Gemm").singleUse().as("linear"));
  }

  @Override
  Optional<Rewrite> rewrite(Match m) {
    Node op = m.root();
    Node linear = m.node("linear");
    boolean inverted = op.opType().equals(inverse);
    if (inverted && m.swapped(forward)) {
      return m.reject("the convolution is the right operand of " + inverse);
    }
    String kName = m.swapped(forward) ? op.input(0) : op.input(1);
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
    Optional<float[]> perChannel = Constants.perChannel(k.get(), rank, 1, channels);
    if (perChannel.isEmpty()) {
      return m.reject("the constant " + Arrays.toString(k.get().dims()) + " is not one value per output channel");
    }
    float[][] affine = scaleShift(perChannel.get(), inverted);
    Rewrite r = new Rewrite().remove(op);
    if (conv) {
      cw.get().scaleShift(affine[0], affine[1]);
      return Optional.of(r.replace(linear, cw.get().rewritten(m, r, op.output(0))));
    }
    gw.get().scaleShift(affine[0], affine[1]);
    return Optional.of(r.replace(linear, gw.get().rewritten(m, r, op.output(0))));
  }
}
