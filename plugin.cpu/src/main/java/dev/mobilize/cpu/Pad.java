package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX Pad: pads input (begins then ends, negative crops), modes constant, reflect, edge and wrap, optional axes. */
final class Pad implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    String mode = node.attributes().getString("mode", "constant");
    if (!mode.equals("constant") && !mode.equals("reflect") && !mode.equals("edge") && !mode.equals("wrap")) {
      throw Broadcast.unsupported(node, "mode '" + mode + "', expected constant, reflect, edge or wrap");
    }
    return (in, ex) -> {
      NdArray x = in[0];
      int r = x.rank();
      long[] p = Layout.longs(in[1]);
      int[] axes = new int[r];
      int na;
      if (in.length > 3 && in[3] != null) {
        long[] a = Layout.longs(in[3]);
        na = a.length;
        for (int i = 0; i < na; i++) {
          axes[i] = Broadcast.axis(node, a[i], r);
        }
      } else {
        na = r;
        for (int i = 0; i < r; i++) {
          axes[i] = i;
        }
      }
      if (p.length != 2 * na) {
        throw Broadcast.error(node, "pads has " + p.length + " values, expected " + 2 * na);
      }
      int[] begin = new int[r];
      int[] shape = x.shape.clone();
      for (int i = 0; i < na; i++) {
        begin[axes[i]] = (int) p[i];
        shape[axes[i]] += (int) (p[i] + p[i + na]);
      }
      NdArray cv = in.length > 2 ? in[2] : null;
      int n = NdArray.numElements(shape);
      NdArray out = Layout.alloc(ex, x.type, shape);
      int[] xs = Broadcast.stridesOf(x.shape);
      int[] idx = new int[r];
      for (int k = 0; k < n; k++) {
        int off = 0;
        boolean outside = false;
        for (int d = 0; d < r; d++) {
          int i = idx[d] - begin[d];
          int len = x.shape[d];
          if (i < 0 || i >= len) {
            switch (mode) {
              case "constant" -> outside = true;
              case "edge" -> i = i < 0 ? 0 : len - 1;
              case "wrap" -> i = Math.floorMod(i, len);
              default -> { // reflect without repeating the edge
                if (len == 1) {
                  i = 0;
                } else {
                  int period = 2 * (len - 1);
                  i = Math.floorMod(i, period);
                  if (i >= len) {
                    i = period - i;
                  }
                }
              }
            }
          }
          off += i * xs[d];
        }
        if (out.f != null) {
          out.f[k] = outside ? (cv == null || cv.size() == 0 ? 0f : cv.getFloat(0)) : x.f[off];
        } else if (out.l != null) {
          out.l[k] = outside ? (cv == null || cv.size() == 0 ? 0 : cv.getLong(0)) : x.l[off];
        } else {
          out.s[k] = outside ? (cv == null ? "" : cv.s[0]) : x.s[off];
        }
        for (int d = r - 1; d >= 0; d--) {
          if (++idx[d] < shape[d]) {
            break;
          }
          idx[d] = 0;
        }
      }
      return new NdArray[] {out};
    };
  }
}
