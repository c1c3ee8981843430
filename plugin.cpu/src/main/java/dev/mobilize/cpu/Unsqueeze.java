package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX Unsqueeze: inserts size-1 dimensions at the axes input's positions (of the output). */
final class Unsqueeze implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    return (in, ex) -> {
      NdArray x = in[0];
      long[] axes = Layout.longs(in[1]);
      int rank = x.rank() + axes.length;
      boolean[] ones = new boolean[rank];
      for (long a : axes) {
        int ax = Broadcast.axis(node, a, rank);
        if (ones[ax]) {
          throw Broadcast.error(node, "axis " + a + " is listed twice");
        }
        ones[ax] = true;
      }
      int[] shape = new int[rank];
      int j = 0;
      for (int i = 0; i < rank; i++) {
        shape[i] = ones[i] ? 1 : x.shape[j++];
      }
      return new NdArray[] {x.reshape(shape)};
    };
  }
}
