package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/**
 * The constant operands of a fused int8 node ({@code x_q, x_scale, W_q, W_scale, [B_q], y_scale, ...}):
 * scales, weights of the expected rank and the optional bias, checked when the node is bound, and the
 * activation zero points of its attributes {@code x_zero_point}, {@code y_zero_point} (default 0).
 */
record Int8Operands(NdArray xScale, NdArray w, NdArray wScale, NdArray b, NdArray yScale, int xZero, int yZero) {

  static Int8Operands bind(Node node, Binding binding, int weightRank) {
    NdArray xScale = binding.constant(1);
    NdArray w = binding.constant(2);
    NdArray wScale = binding.constant(3);
    NdArray b = node.hasInput(4) ? binding.constant(4) : null;
    NdArray yScale = binding.constant(5);
    if (xScale == null || w == null || wScale == null || yScale == null || node.hasInput(4) && b == null
        || w.rank() != weightRank) {
      throw new IllegalStateException(node.describe() + ": scales, weights and bias must be constant, weights "
          + weightRank + "-D");
    }
    return new Int8Operands(xScale, w, wScale, b, yScale, (int) node.attributes().getInt("x_zero_point", 0),
        (int) node.attributes().getInt("y_zero_point", 0));
  }
}
