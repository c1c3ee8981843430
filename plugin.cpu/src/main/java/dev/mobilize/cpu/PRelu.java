package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX PRelu: {@code x < 0 ? slope * x : x}, slope broadcast to x. */
final class PRelu implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    return (in, ex) -> new NdArray[] {Binary.apply(node, in[0], in[1], (x, s) -> x < 0 ? s * x : x,
        (x, s) -> x < 0 ? s * x : x, false, ex)};
  }
}
