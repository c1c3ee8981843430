package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX BitShift on unsigned integers: direction LEFT or RIGHT. */
final class BitShift implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    boolean left = node.attributes().getString("direction").equals("LEFT");
    return Binary.of(null, left ? (a, b) -> a << b : (a, b) -> a >>> b).bind(node, binding);
  }
}
