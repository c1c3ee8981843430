package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX Tile: repeats the input {@code repeats[d]} times along each dimension d. */
final class Tile implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    return (in, ex) -> {
      NdArray x = in[0];
      int[] rep = Layout.ints(in[1]);
      int r = x.rank();
      if (rep.length != r) {
        throw Broadcast.error(node, "repeats has " + rep.length + " values, expected the input rank " + r);
      }
      int[] shape = new int[r];
      for (int d = 0; d < r; d++) {
        shape[d] = x.shape[d] * rep[d];
      }
      int n = NdArray.numElements(shape);
      int[] xs = Broadcast.stridesOf(x.shape);
      int[] index = new int[n];
      int[] idx = new int[r];
      for (int k = 0; k < n; k++) {
        int off = 0;
        for (int d = 0; d < r; d++) {
          off += (idx[d] % x.shape[d]) * xs[d];
        }
        index[k] = off;
        for (int d = r - 1; d >= 0; d--) {
          if (++idx[d] < shape[d]) {
            break;
          }
          idx[d] = 0;
        }
      }
      return new NdArray[] {Layout.take(x, shape, index, ex)};
    };
  }
}
