package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX ArgMax and ArgMin along {@code axis}, with keepdims and select_last_index. */
final class ArgMax implements Kernel {

  private final boolean max;

  ArgMax(boolean max) {
    this.max = max;
  }

  @Override
  public Step bind(Node node, Binding binding) {
    long axisAttr = node.attributes().getInt("axis", 0);
    boolean keep = node.attributes().getInt("keepdims", 1) != 0;
    boolean last = node.attributes().getInt("select_last_index", 0) != 0;
    return (in, ex) -> {
      NdArray x = in[0];
      int r = x.rank();
      int axis = Broadcast.axis(node, axisAttr, r);
      int outer = 1;
      for (int d = 0; d < axis; d++) {
        outer *= x.shape[d];
      }
      int len = x.shape[axis];
      int inner = 1;
      for (int d = axis + 1; d < r; d++) {
        inner *= x.shape[d];
      }
      long[] o = ex.longs(outer * inner);
      for (int a = 0; a < outer; a++) {
        for (int b = 0; b < inner; b++) {
          int best = 0;
          double bv = x.isFloat() ? x.f[a * len * inner + b] : x.l[a * len * inner + b];
          for (int i = 1; i < len; i++) {
            int k = (a * len + i) * inner + b;
            double v = x.isFloat() ? x.f[k] : x.l[k];
            boolean better = max ? (last ? v >= bv : v > bv) : (last ? v <= bv : v < bv);
            if (better) {
              bv = v;
              best = i;
            }
          }
          o[a * inner + b] = best;
        }
      }
      int[] shape;
      if (keep) {
        shape = x.shape.clone();
        shape[axis] = 1;
      } else {
        shape = new int[r - 1];
        for (int d = 0, k = 0; d < r; d++) {
          if (d != axis) {
            shape[k++] = x.shape[d];
          }
        }
      }
      return new NdArray[] {NdArray.ofLongs(shape, o)};
    };
  }
}
