package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX ScatterND: a copy of data with slices replaced (or combined: add, mul, max, min) at index tuples. */
final class ScatterND implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    String reduction = node.attributes().getString("reduction", "none");
    return (in, ex) -> {
      NdArray x = in[0];
      NdArray ind = in[1];
      NdArray upd = in[2];
      NdArray out = Layout.copyOf(x, ex);
      int q = ind.rank();
      int k = ind.shape[q - 1];
      int[] xs = Broadcast.stridesOf(x.shape);
      int slice = 1;
      for (int d = k; d < x.rank(); d++) {
        slice *= x.shape[d];
      }
      int tuples = ind.size() / Math.max(1, k);
      for (int t = 0; t < tuples; t++) {
        int off = 0;
        for (int j = 0; j < k; j++) {
          long v = ind.getLong(t * k + j);
          int len = x.shape[j];
          if (v < -len || v >= len) {
            throw Broadcast.error(node, "index " + v + " is out of range for dimension " + j + " of size " + len);
          }
          off += (int) (v < 0 ? v + len : v) * xs[j];
        }
        Scatter.combine(node, reduction, upd, t * slice, out, off, slice);
      }
      return new NdArray[] {out};
    };
  }
}
