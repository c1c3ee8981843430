package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX HardSigmoid: {@code max(0, min(1, alpha * x + beta))}. */
final class HardSigmoid implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    float alpha = node.attributes().getFloat("alpha", 0.2f);
    float beta = node.attributes().getFloat("beta", 0.5f);
    return Unary.step(node, x -> Math.max(0f, Math.min(1f, alpha * x + beta)), null);
  }
}
