package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX ScatterElements (and the old Scatter): writes updates at index positions along {@code axis}. */
final class Scatter implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    long axisAttr = node.attributes().getInt("axis", 0);
    String reduction = node.attributes().getString("reduction", "none");
    return (in, ex) -> {
      NdArray x = in[0];
      NdArray ind = in[1];
      NdArray upd = in[2];
      NdArray out = Layout.copyOf(x, ex);
      int r = x.rank();
      int axis = Broadcast.axis(node, axisAttr, r);
      int[] xs = Broadcast.stridesOf(x.shape);
      int[] idx = new int[r];
      int len = x.shape[axis];
      for (int k = 0; k < ind.size(); k++) {
        long v = ind.getLong(k);
        if (v < -len || v >= len) {
          throw Broadcast.error(node, "index " + v + " is out of range for axis " + axis + " of size " + len);
        }
        int off = 0;
        for (int d = 0; d < r; d++) {
          off += (d == axis ? (int) (v < 0 ? v + len : v) : idx[d]) * xs[d];
        }
        combine(node, reduction, upd, k, out, off, 1);
        for (int d = r - 1; d >= 0; d--) {
          if (++idx[d] < ind.shape[d]) {
            break;
          }
          idx[d] = 0;
        }
      }
      return new NdArray[] {out};
    };
  }

  /** {@code out[o..o+n) = reduction(out, upd[u..u+n))}. */
  static void combine(Node node, String reduction, NdArray upd, int u, NdArray out, int o, int n) {
    for (int i = 0; i < n; i++) {
      if (out.f != null) {
        float a = out.f[o + i];
        float b = upd.getFloat(u + i);
        out.f[o + i] = switch (reduction) {
          case "add" -> a + b;
          case "mul" -> a * b;
          case "max" -> Math.max(a, b);
          case "min" -> Math.min(a, b);
          case "none" -> b;
          default -> throw Broadcast.unsupported(node, "reduction '" + reduction + "', expected none, add, mul, max or min");
        };
      } else if (out.l != null) {
        long a = out.l[o + i];
        long b = upd.getLong(u + i);
        out.l[o + i] = switch (reduction) {
          case "add" -> a + b;
          case "mul" -> a * b;
          case "max" -> Math.max(a, b);
          case "min" -> Math.min(a, b);
          case "none" -> b;
          default -> throw Broadcast.unsupported(node, "reduction '" + reduction + "', expected none, add, mul, max or min");
        };
      } else {
        out.s[o + i] = upd.s[u + i];
      }
    }
  }
}
