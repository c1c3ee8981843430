package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX LeakyRelu: {@code x >= 0 ? x : alpha * x}. */
final class LeakyRelu implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    float alpha = node.attributes().getFloat("alpha", 0.01f);
    return Unary.step(node, x -> x >= 0 ? x : alpha * x, null);
  }
}
