package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX Size: the number of elements as an int64 scalar. */
final class Size implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    return (in, ex) -> new NdArray[] {NdArray.ofLongs(new int[0], new long[] {in[0].size()})};
  }
}
