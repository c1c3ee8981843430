package dev.mobilize.qdq;

import dev.mobilize.ir.Node;

/**
 * A quantized op of the QDQ form (docs/QUANTIZATION.md), {@code y = op(DQ(Q(x)), DQ(W_q), DQ(B_q))
 * [→ activation] [→ Q → DQ]}, as {@link QdqMatcher#match} finds it.
 *
 * @param node the Conv, FusedConv, Gemm, FusedGemm or MatMul
 * @param input the pair its input comes through (scale, zero point)
 * @param weight the int8 weight, symmetric, quantized along the output-channel axis
 * @param weightScale one scale per output channel (a per-tensor scale repeated)
 * @param bias the int32 bias, symmetric, one value per output channel, or null
 * @param activation the activation: fused into the node ({@code FusedOps.ACTIVATION}) or the Relu
 *     or Clip (constant bounds) that alone reads a plain op's result; "" for none
 * @param activationBounds {@code [min, max]} for Relu ({@code [0, Float.MAX_VALUE]}) and Clip (a
 *     bound it does not have is {@code ±Float.MAX_VALUE}; a fused Clip's params as they are); null
 *     for no activation or another one
 * @param activationNode the separate Relu or Clip node, or null (none, or fused)
 * @param output the value after the activation: what the output pair quantizes
 * @param outputPair the pair of the first QuantizeLinear reading {@code output}, or null (a float output)
 */
public record QuantizedOp(Node node, QdqPair input, QdqConstant weight, float[] weightScale, QdqConstant bias,
    String activation, float[] activationBounds, Node activationNode, String output, QdqPair outputPair) {

  /** The number of output channels. */
  public int channels() {
    return weightScale.length;
  }

  /**
   * Whether the bias scale is {@code x_scale · W_scale[c]} (relative 1e-6), so that the int32 bias
   * adds to the int32 accumulator as it is. True without a bias.
   */
  public boolean biasScaleMatches() {
    if (bias == null) {
      return true;
    }
    float[] bs = bias.scale();
    for (int i = 0; i < weightScale.length; i++) {
      float want = input.scale() * weightScale[i];
      float have = bs.length == 1 ? bs[0] : bs[i];
      if (Math.abs(have - want) > 1e-6f * Math.abs(want)) {
        return false;
      }
    }
    return true;
  }

  /** Whether the input pair and the output pair (if any) have zero point 0. */
  public boolean symmetric() {
    return input.symmetric() && (outputPair == null || outputPair.symmetric());
  }
}
