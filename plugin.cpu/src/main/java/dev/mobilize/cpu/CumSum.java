package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX CumSum along the axis input, with exclusive and reverse. */
final class CumSum implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    boolean exclusive = node.attributes().getInt("exclusive", 0) != 0;
    boolean reverse = node.attributes().getInt("reverse", 0) != 0;
    return (in, ex) -> {
      NdArray x = in[0];
      int axis = Broadcast.axis(node, in[1].getLong(0), x.rank());
      int len = x.shape[axis];
      int inner = 1;
      for (int d = axis + 1; d < x.rank(); d++) {
        inner *= x.shape[d];
      }
      int outer = len * inner == 0 ? 0 : x.size() / (len * inner);
      NdArray out = Layout.alloc(ex, x.type, x.shape);
      for (int o = 0; o < outer; o++) {
        for (int b = 0; b < inner; b++) {
          double acc = 0;
          long lacc = 0;
          for (int t = 0; t < len; t++) {
            int i = reverse ? len - 1 - t : t;
            int idx = (o * len + i) * inner + b;
            if (out.f != null) {
              if (exclusive) {
                out.f[idx] = (float) acc;
                acc += x.f[idx];
              } else {
                acc += x.f[idx];
                out.f[idx] = (float) acc;
              }
            } else if (exclusive) {
              out.l[idx] = lacc;
              lacc += x.l[idx];
            } else {
              lacc += x.l[idx];
              out.l[idx] = lacc;
            }
          }
        }
      }
      return new NdArray[] {out};
    };
  }
}
