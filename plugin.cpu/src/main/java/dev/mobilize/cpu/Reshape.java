package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/**
 * ONNX Reshape (0 copies the input dimension unless allowzero=1, -1 is inferred), and the other
 * shape-only ops: Flatten, Squeeze, Unsqueeze. The output shares the input's elements.
 */
final class Reshape implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    boolean allowZero = node.attributes().getInt("allowzero", 0) != 0;
    return (in, ex) -> {
      NdArray x = in[0];
      long[] spec = Layout.longs(in[1]);
      int[] shape = new int[spec.length];
      int infer = -1;
      long known = 1;
      for (int i = 0; i < spec.length; i++) {
        long d = spec[i];
        if (d == 0 && !allowZero) {
          if (i >= x.rank()) {
            throw Broadcast.error(node, "shape " + java.util.Arrays.toString(spec) + " copies dimension " + i
                + " of input shape " + Broadcast.fmt(x.shape) + ", which has no such dimension");
          }
          d = x.shape[i];
        }
        if (d == -1) {
          if (infer >= 0) {
            throw Broadcast.error(node, "shape " + java.util.Arrays.toString(spec) + " has more than one -1");
          }
          infer = i;
          continue;
        }
        shape[i] = (int) d;
        known *= d;
      }
      if (infer >= 0) {
        shape[infer] = known == 0 ? 0 : (int) (x.size() / known);
        known *= shape[infer];
      }
      if (known != x.size()) {
        throw Broadcast.error(node, "cannot reshape " + Broadcast.fmt(x.shape) + " (" + x.size()
            + " elements) to " + java.util.Arrays.toString(spec));
      }
      return new NdArray[] {x.reshape(shape)};
    };
  }
}
