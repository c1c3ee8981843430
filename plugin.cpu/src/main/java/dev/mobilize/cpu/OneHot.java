package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX OneHot: depth-long one-hot vectors inserted at {@code axis}, with (off, on) values; negative indices wrap. */
final class OneHot implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    long axisAttr = node.attributes().getInt("axis", -1);
    return (in, ex) -> {
      NdArray ind = in[0];
      int depth = (int) in[1].getFloat(0);
      NdArray values = in[2];
      int r = ind.rank() + 1;
      int axis = Broadcast.axis(node, axisAttr, r);
      int[] shape = new int[r];
      for (int d = 0, k = 0; d < r; d++) {
        shape[d] = d == axis ? depth : ind.shape[k++];
      }
      int outer = 1;
      for (int d = 0; d < axis; d++) {
        outer *= shape[d];
      }
      int inner = ind.size() / Math.max(1, outer);
      NdArray out = Layout.alloc(ex, values.type, shape);
      for (int i = 0; i < out.size(); i++) {
        if (out.f != null) {
          out.f[i] = values.f[0];
        } else {
          out.l[i] = values.l[0];
        }
      }
      for (int o = 0; o < outer; o++) {
        for (int b = 0; b < inner; b++) {
          long v = (long) ind.getFloat(o * inner + b);
          if (v < 0) {
            v += depth;
          }
          if (v >= 0 && v < depth) {
            int i = (o * depth + (int) v) * inner + b;
            if (out.f != null) {
              out.f[i] = values.f[1];
            } else {
              out.l[i] = values.l[1];
            }
          }
        }
      }
      return new NdArray[] {out};
    };
  }
}
