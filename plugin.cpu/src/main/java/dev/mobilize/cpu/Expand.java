package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX Expand: broadcasts the input to the broadcast of its shape and the shape input. */
final class Expand implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    return (in, ex) -> {
      NdArray x = in[0];
      int[] shape = Broadcast.shape(node, x.shape, Layout.ints(in[1]));
      return new NdArray[] {Layout.take(x, shape, Broadcast.indexMap(x.shape, shape), ex)};
    };
  }
}
