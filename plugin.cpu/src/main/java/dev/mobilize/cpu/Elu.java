package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX Elu: {@code x >= 0 ? x : alpha * (exp(x) - 1)}. */
final class Elu implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    float alpha = node.attributes().getFloat("alpha", 1f);
    return Unary.step(node, x -> x >= 0 ? x : (float) (alpha * Math.expm1(x)), null);
  }
}
