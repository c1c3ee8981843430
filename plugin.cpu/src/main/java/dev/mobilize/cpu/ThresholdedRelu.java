package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX ThresholdedRelu: {@code x > alpha ? x : 0}. */
final class ThresholdedRelu implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    float alpha = node.attributes().getFloat("alpha", 1f);
    return Unary.step(node, x -> x > alpha ? x : 0f, null);
  }
}
