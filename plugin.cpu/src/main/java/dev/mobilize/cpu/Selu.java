package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX Selu: {@code gamma * (x > 0 ? x : alpha * (exp(x) - 1))}. */
final class Selu implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    float alpha = node.attributes().getFloat("alpha", 1.67326319217681884765625f);
    float gamma = node.attributes().getFloat("gamma", 1.05070102214813232421875f);
    return Unary.step(node, x -> x > 0 ? gamma * x : (float) (gamma * alpha * Math.expm1(x)), null);
  }
}
