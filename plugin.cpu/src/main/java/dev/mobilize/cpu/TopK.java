package dev.mobilize.cpu;

import dev.mobilize.ir.Node;
import java.util.Arrays;

/** ONNX TopK: the k largest (or smallest) values along {@code axis} and their int64 indices; ties by lower index. */
final class TopK implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    long axisAttr = node.attributes().getInt("axis", -1);
    boolean largest = node.attributes().getInt("largest", 1) != 0;
    return (in, ex) -> {
      NdArray x = in[0];
      int r = x.rank();
      int axis = Broadcast.axis(node, axisAttr, r);
      int k = (int) in[1].getLong(0);
      int len = x.shape[axis];
      if (k < 0 || k > len) {
        throw Broadcast.error(node, "k = " + k + " is out of range for axis " + axis + " of size " + len);
      }
      int outer = 1;
      for (int d = 0; d < axis; d++) {
        outer *= x.shape[d];
      }
      int inner = 1;
      for (int d = axis + 1; d < r; d++) {
        inner *= x.shape[d];
      }
      int[] shape = x.shape.clone();
      shape[axis] = k;
      NdArray vals = Layout.alloc(ex, x.type, shape);
      long[] idx = ex.longs(NdArray.numElements(shape));
      Integer[] order = new Integer[len];
      for (int a = 0; a < outer; a++) {
        for (int b = 0; b < inner; b++) {
          int base = a * len * inner + b;
          int innerF = inner;
          for (int i = 0; i < len; i++) {
            order[i] = i;
          }
          Arrays.sort(order, (p, q) -> {
            double vp = x.isFloat() ? x.f[base + p * innerF] : x.l[base + p * innerF];
            double vq = x.isFloat() ? x.f[base + q * innerF] : x.l[base + q * innerF];
            int c = largest ? Double.compare(vq, vp) : Double.compare(vp, vq);
            return c != 0 ? c : Integer.compare(p, q);
          });
          for (int i = 0; i < k; i++) {
            int o = (a * k + i) * inner + b;
            int src = base + order[i] * inner;
            if (vals.f != null) {
              vals.f[o] = x.f[src];
            } else {
              vals.l[o] = x.l[src];
            }
            idx[o] = order[i];
          }
        }
      }
      return new NdArray[] {vals, NdArray.ofLongs(shape, idx)};
    };
  }
}
