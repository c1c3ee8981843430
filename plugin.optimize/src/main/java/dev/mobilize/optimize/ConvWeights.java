package dev.mobilize.optimize;

import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import java.util.Optional;

/**
 * The constant weights and bias of a Conv or ConvTranspose, scaled and shifted per output channel:
 * {@code conv(x; w·s, b·s + t) = conv(x; w, b)·s + t} (per output channel, as convolution is linear).
 */
final class ConvWeights {

  final Node conv;
  final Tensor weight;
  final float[] w;
  final float[] b;
  final int outChannels;
  private final boolean transpose;
  private final int group;

  private ConvWeights(Node conv, Tensor weight, float[] b, int outChannels) {
    this.conv = conv;
    this.weight = weight;
    this.w = weight.toFloatArray();
    this.b = b;
    this.outChannels = outChannels;
    this.transpose = conv.opType().equals("ConvTranspose");
    this.group = (int) conv.attributes().getInt("group", 1);
  }

  /** The weights of {@code conv}, or empty after a rejection when they are not float constants. */
  static Optional<ConvWeights> of(Match m, Node conv) {
    Optional<Tensor> w = m.constant(conv.input(1));
    if (w.isEmpty() || !Constants.isFloat(w.get()) || w.get().rank() < 3) {
      return m.reject("the weight of " + conv.describe() + " is not a float32 constant");
    }
    long[] d = w.get().dims();
    int group = (int) conv.attributes().getInt("group", 1);
    // Conv: W is [M, C/g, k...]; ConvTranspose: W is [C, M/g, k...]
    int m0 = conv.opType().equals("ConvTranspose") ? (int) d[1] * group : (int) d[0];
    float[] b = new float[m0];
    if (conv.hasInput(2)) {
      Optional<Tensor> bias = m.constant(conv.input(2));
      if (bias.isEmpty() || !Constants.isFloat(bias.get()) || bias.get().numElements() != m0) {
        return m.reject("the bias of " + conv.describe() + " is not a float32 constant of " + m0 + " values");
      }
      b = bias.get().toFloatArray();
    }
    return Optional.of(new ConvWeights(conv, w.get(), b, m0));
  }

  /** {@code w' = w·s[o]}, {@code b' = b·s + t}, per output channel o. */
  void scaleShift(float[] s, float[] t) {
    long[] d = weight.dims();
    if (!transpose) {
      int per = w.length / outChannels;
      for (int o = 0; o < outChannels; o++) {
        for (int i = 0; i < per; i++) {
          w[o * per + i] *= s[o];
        }
      }
    } else {
      // W[ci, j, k...] feeds output channel (ci / (C/g))·(M/g) + j
      int cin = (int) d[0];
      int mg = (int) d[1];
      int per = w.length / (cin * mg);
      int cg = cin / group;
      for (int ci = 0; ci < cin; ci++) {
        for (int j = 0; j < mg; j++) {
          int o = (ci / cg) * mg + j;
          int base = (ci * mg + j) * per;
          for (int k = 0; k < per; k++) {
            w[base + k] *= s[o];
          }
        }
      }
    }
    for (int o = 0; o < outChannels; o++) {
      b[o] = b[o] * s[o] + t[o];
    }
  }

  /** The convolution with the new weights, writing {@code output}. */
  Node rewritten(Match m, Rewrite r, String output) {
    String base = conv.name().isEmpty() ? output : conv.name();
    String wName = m.view().freshName(base + "_weight");
    String bName = m.view().freshName(base + "_bias");
    r.constant(wName, Constants.floats(weight.dims(), w));
    r.constant(bName, Constants.floats(new long[] {outChannels}, b));
    return conv.toBuilder().inputs(conv.input(0), wName, bName).outputs(output).build();
  }
}
