package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX HardSwish: {@code x * max(0, min(1, x/6 + 1/2))}. */
final class HardSwish implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    return Unary.step(node, x -> x * Math.max(0f, Math.min(1f, x / 6f + 0.5f)), null);
  }
}
