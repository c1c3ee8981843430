package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX IsInf: true where x is an infinity of a selected sign. */
final class IsInf implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    boolean pos = node.attributes().getInt("detect_positive", 1) != 0;
    boolean neg = node.attributes().getInt("detect_negative", 1) != 0;
    return Unary.step(node, x -> (pos && x == Float.POSITIVE_INFINITY) || (neg && x == Float.NEGATIVE_INFINITY) ? 1 : 0,
        null, true);
  }
}
