package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX Trilu: keeps the upper (default) or lower triangle of the last two dimensions, offset by k. */
final class Trilu implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    boolean upper = node.attributes().getInt("upper", 1) != 0;
    return (in, ex) -> {
      NdArray x = in[0];
      long k = in.length > 1 && in[1] != null ? in[1].getLong(0) : 0;
      int r = x.rank();
      int rows = x.shape[r - 2];
      int cols = x.shape[r - 1];
      NdArray out = Layout.copyOf(x, ex);
      for (int i = 0; i < x.size(); i++) {
        int j = i % cols;
        int row = (i / cols) % rows;
        boolean keep = upper ? j - row >= k : j - row <= k;
        if (!keep) {
          if (out.f != null) {
            out.f[i] = 0;
          } else {
            out.l[i] = 0;
          }
        }
      }
      return new NdArray[] {out};
    };
  }
}
