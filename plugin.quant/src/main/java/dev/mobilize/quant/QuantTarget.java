package dev.mobilize.quant;

import dev.mobilize.ir.Node;

/**
 * One op to quantize (docs/QUANTIZATION.md): its data input, constant weight and optional bias, the
 * axis of its weight's output channels, and its activated output (after a fused activation, or after
 * a Relu/Clip that alone reads its result).
 *
 * @param node the Conv, FusedConv, Gemm, FusedGemm or MatMul
 * @param input the data input value
 * @param weight the weight initializer
 * @param bias the bias initializer, "" when it has none
 * @param weightAxis the axis of the weight's output channels
 * @param output the value whose scale the op's output gets (the activation's output when one follows)
 * @param activation the separate Relu/Clip node that follows, or null
 */
record QuantTarget(Node node, String input, String weight, String bias, int weightAxis, String output,
    Node activation) {

  /** The node's name, or its first output when it has none. */
  String name() {
    return node.name().isEmpty() ? node.output(0) : node.name();
  }

  /** True when {@code nameOrValue} names this node, its output or its activated output. */
  boolean isNamed(String nameOrValue) {
    return nameOrValue.equals(node.name()) || nameOrValue.equals(node.output(0)) || nameOrValue.equals(output);
  }
}
