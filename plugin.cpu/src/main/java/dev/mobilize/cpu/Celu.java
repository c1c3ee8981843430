package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX Celu: {@code max(0,x) + min(0, alpha * (exp(x/alpha) - 1))}. */
final class Celu implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    float alpha = node.attributes().getFloat("alpha", 1f);
    return Unary.step(node, x -> (float) (Math.max(0, x) + Math.min(0, alpha * Math.expm1(x / alpha))), null);
  }
}
