package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX Concat along {@code axis}. */
final class Concat implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    long axisAttr = node.attributes().getInt("axis");
    return (in, ex) -> {
      NdArray first = in[0];
      int r = first.rank();
      int axis = Broadcast.axis(node, axisAttr, r);
      int[] shape = first.shape.clone();
      shape[axis] = 0;
      for (NdArray a : in) {
        if (a.rank() != r) {
          throw Broadcast.error(node, "inputs have ranks " + r + " and " + a.rank() + ", expected equal ranks");
        }
        for (int d = 0; d < r; d++) {
          if (d != axis && a.shape[d] != first.shape[d]) {
            throw Broadcast.error(node, "input shapes " + Broadcast.fmt(first.shape) + " and " + Broadcast.fmt(a.shape)
                + " differ in dimension " + d + " (only axis " + axis + " may differ)");
          }
        }
        shape[axis] += a.shape[axis];
      }
      NdArray out = Layout.alloc(ex, first.type, shape);
      int outer = 1;
      for (int d = 0; d < axis; d++) {
        outer *= shape[d];
      }
      int innerOut = out.size() / Math.max(1, outer);
      int pos = 0;
      for (NdArray a : in) {
        int chunk = outer == 0 ? 0 : a.size() / outer;
        for (int o = 0; o < outer; o++) {
          Layout.copy(a, o * chunk, out, o * innerOut + pos, chunk);
        }
        pos += chunk;
      }
      return new NdArray[] {out};
    };
  }
}
