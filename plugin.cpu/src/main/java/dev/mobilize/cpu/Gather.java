package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX Gather: slices of {@code data} along {@code axis} picked by {@code indices} (negative from the end). */
final class Gather implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    long axisAttr = node.attributes().getInt("axis", 0);
    return (in, ex) -> {
      NdArray x = in[0];
      NdArray ind = in[1];
      int r = x.rank();
      int axis = Broadcast.axis(node, axisAttr, r);
      int[] shape = new int[r - 1 + ind.rank()];
      int k = 0;
      for (int d = 0; d < axis; d++) {
        shape[k++] = x.shape[d];
      }
      for (int d : ind.shape) {
        shape[k++] = d;
      }
      for (int d = axis + 1; d < r; d++) {
        shape[k++] = x.shape[d];
      }
      int outer = 1;
      for (int d = 0; d < axis; d++) {
        outer *= x.shape[d];
      }
      int inner = 1;
      for (int d = axis + 1; d < r; d++) {
        inner *= x.shape[d];
      }
      int len = x.shape[axis];
      int m = ind.size();
      NdArray out = Layout.alloc(ex, x.type, shape);
      for (int j = 0; j < m; j++) {
        long i = ind.getLong(j);
        if (i < -len || i >= len) {
          throw Broadcast.error(node, "index " + i + " is out of range for axis " + axis + " of size " + len);
        }
        int src = (int) (i < 0 ? i + len : i);
        for (int o = 0; o < outer; o++) {
          Layout.copy(x, (o * len + src) * inner, out, (o * m + j) * inner, inner);
        }
      }
      return new NdArray[] {out};
    };
  }
}
