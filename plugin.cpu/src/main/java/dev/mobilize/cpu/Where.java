package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX Where: {@code condition ? x : y} with broadcasting of all three. */
final class Where implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    return (in, ex) -> {
      NdArray c = in[0];
      NdArray x = in[1];
      NdArray y = in[2];
      int[] shape = Broadcast.shape(node, c.shape, x.shape, y.shape);
      NdArray out = Layout.alloc(ex, x.type, shape);
      int[] ci = Broadcast.indexMap(c.shape, shape);
      int[] xi = Broadcast.indexMap(x.shape, shape);
      int[] yi = Broadcast.indexMap(y.shape, shape);
      long[] cond = c.l;
      for (int i = 0; i < ci.length; i++) {
        boolean t = cond[ci[i]] != 0;
        if (out.f != null) {
          out.f[i] = t ? x.f[xi[i]] : y.f[yi[i]];
        } else if (out.l != null) {
          out.l[i] = t ? x.l[xi[i]] : y.l[yi[i]];
        } else {
          out.s[i] = t ? x.s[xi[i]] : y.s[yi[i]];
        }
      }
      return new NdArray[] {out};
    };
  }
}
