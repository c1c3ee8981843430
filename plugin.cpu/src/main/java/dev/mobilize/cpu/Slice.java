package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX Slice: starts, ends, axes and steps inputs, clamped as the spec says. */
final class Slice implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    return (in, ex) -> {
      NdArray x = in[0];
      int r = x.rank();
      long[] starts = Layout.longs(in[1]);
      long[] ends = Layout.longs(in[2]);
      long[] axes = in.length > 3 && in[3] != null ? Layout.longs(in[3]) : null;
      long[] steps = in.length > 4 && in[4] != null ? Layout.longs(in[4]) : null;
      int[] start = new int[r];
      int[] step = new int[r];
      int[] shape = x.shape.clone();
      java.util.Arrays.fill(step, 1);
      for (int i = 0; i < starts.length; i++) {
        int ax = Broadcast.axis(node, axes == null ? i : axes[i], r);
        long st = steps == null ? 1 : steps[i];
        if (st == 0) {
          throw Broadcast.error(node, "step for axis " + ax + " is 0, expected a non-zero step");
        }
        long dim = x.shape[ax];
        long s = starts[i] < 0 ? starts[i] + dim : starts[i];
        long e = ends[i] < 0 ? ends[i] + dim : ends[i];
        if (st > 0) {
          s = Math.max(0, Math.min(dim, s));
          e = Math.max(0, Math.min(dim, e));
        } else {
          s = Math.max(-1, Math.min(dim - 1, s));
          e = Math.max(-1, Math.min(dim - 1, e));
        }
        long count = st > 0 ? (e - s + st - 1) / st : (s - e + (-st) - 1) / (-st);
        start[ax] = (int) s;
        step[ax] = (int) st;
        shape[ax] = (int) Math.max(0, count);
      }
      int[] strides = Broadcast.stridesOf(x.shape);
      int base = 0;
      int[] st = new int[r];
      for (int d = 0; d < r; d++) {
        base += start[d] * strides[d];
        st[d] = step[d] * strides[d];
      }
      int n = NdArray.numElements(shape);
      int[] index = new int[n];
      int[] idx = new int[r];
      int off = base;
      for (int k = 0; k < n; k++) {
        index[k] = off;
        for (int d = r - 1; d >= 0; d--) {
          idx[d]++;
          off += st[d];
          if (idx[d] < shape[d]) {
            break;
          }
          off -= st[d] * idx[d];
          idx[d] = 0;
        }
      }
      return new NdArray[] {Layout.take(x, shape, index, ex)};
    };
  }
}
