package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX Split along {@code axis} by the split input, or into equal parts (num_outputs or output count). */
final class Split implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    long axisAttr = node.attributes().getInt("axis", 0);
    int outputs = node.outputs().size();
    return (in, ex) -> {
      NdArray x = in[0];
      int axis = Broadcast.axis(node, axisAttr, x.rank());
      int len = x.shape[axis];
      int[] sizes = new int[outputs];
      if (in.length > 1 && in[1] != null) {
        long[] s = Layout.longs(in[1]);
        long sum = 0;
        for (int i = 0; i < s.length && i < outputs; i++) {
          sizes[i] = (int) s[i];
          sum += s[i];
        }
        if (s.length != outputs || sum != len) {
          throw Broadcast.error(node, "split " + java.util.Arrays.toString(s) + " does not cut axis " + axis
              + " of size " + len + " into " + outputs + " outputs");
        }
      } else {
        int part = (len + outputs - 1) / outputs;
        for (int i = 0; i < outputs; i++) {
          sizes[i] = Math.max(0, Math.min(part, len - part * i));
        }
      }
      int outer = 1;
      for (int d = 0; d < axis; d++) {
        outer *= x.shape[d];
      }
      int inner = 1;
      for (int d = axis + 1; d < x.rank(); d++) {
        inner *= x.shape[d];
      }
      NdArray[] res = new NdArray[outputs];
      int pos = 0;
      for (int i = 0; i < outputs; i++) {
        int[] shape = x.shape.clone();
        shape[axis] = sizes[i];
        NdArray o = Layout.alloc(ex, x.type, shape);
        int chunk = sizes[i] * inner;
        for (int k = 0; k < outer; k++) {
          Layout.copy(x, k * len * inner + pos * inner, o, k * chunk, chunk);
        }
        pos += sizes[i];
        res[i] = o;
      }
      return res;
    };
  }
}
