package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX GatherElements: {@code out[i][j][k] = data[index[i][j][k]][j][k]} along {@code axis}. */
final class GatherElements implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    long axisAttr = node.attributes().getInt("axis", 0);
    return (in, ex) -> {
      NdArray x = in[0];
      NdArray ind = in[1];
      int r = x.rank();
      int axis = Broadcast.axis(node, axisAttr, r);
      int[] xs = Broadcast.stridesOf(x.shape);
      int n = ind.size();
      int[] index = new int[n];
      int[] idx = new int[r];
      int len = x.shape[axis];
      for (int k = 0; k < n; k++) {
        long v = ind.getLong(k);
        if (v < -len || v >= len) {
          throw Broadcast.error(node, "index " + v + " is out of range for axis " + axis + " of size " + len);
        }
        int off = 0;
        for (int d = 0; d < r; d++) {
          off += (d == axis ? (int) (v < 0 ? v + len : v) : idx[d]) * xs[d];
        }
        index[k] = off;
        for (int d = r - 1; d >= 0; d--) {
          if (++idx[d] < ind.shape[d]) {
            break;
          }
          idx[d] = 0;
        }
      }
      return new NdArray[] {Layout.take(x, ind.shape, index, ex)};
    };
  }
}
