package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX Gelu: {@code 0.5 x (1 + erf(x/sqrt 2))}, or the tanh approximation. */
final class Gelu implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    String approximate = node.attributes().getString("approximate", "none");
    if (approximate.equals("tanh")) {
      double c = Math.sqrt(2 / Math.PI);
      return Unary.step(node, x -> (float) (0.5 * x * (1 + Math.tanh(c * (x + 0.044715 * x * x * x)))), null);
    }
    if (!approximate.equals("none")) {
      throw Broadcast.unsupported(node, "approximate is \"" + approximate + "\", expected \"none\" or \"tanh\"");
    }
    return Unary.step(node, x -> (float) (0.5 * x * (1 + MathFunctions.erf(x / Math.sqrt(2)))), null);
  }
}
