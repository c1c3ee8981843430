package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX Shrink: {@code x < -lambd ? x + bias : x > lambd ? x - bias : 0}. */
final class Shrink implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    float lambd = node.attributes().getFloat("lambd", 0.5f);
    float bias = node.attributes().getFloat("bias", 0f);
    return Unary.step(node, x -> x < -lambd ? x + bias : x > lambd ? x - bias : 0f,
        x -> x < -lambd ? (long) (x + bias) : x > lambd ? (long) (x - bias) : 0);
  }
}
