package dev.mobilize.cpu;

import dev.mobilize.ir.Node;
import java.util.ArrayList;
import java.util.List;

/** ONNX Squeeze: drops the size-1 dimensions listed in the axes input (all size-1 ones without it). */
final class Squeeze implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    return (in, ex) -> {
      NdArray x = in[0];
      boolean[] drop = new boolean[x.rank()];
      if (in.length > 1 && in[1] != null) {
        for (long a : Layout.longs(in[1])) {
          int ax = Broadcast.axis(node, a, x.rank());
          if (x.shape[ax] != 1) {
            throw Broadcast.error(node, "cannot squeeze axis " + a + " of shape " + Broadcast.fmt(x.shape)
                + ": its size is " + x.shape[ax] + ", expected 1");
          }
          drop[ax] = true;
        }
      } else {
        for (int i = 0; i < drop.length; i++) {
          drop[i] = x.shape[i] == 1;
        }
      }
      List<Integer> dims = new ArrayList<>();
      for (int i = 0; i < drop.length; i++) {
        if (!drop[i]) {
          dims.add(x.shape[i]);
        }
      }
      return new NdArray[] {x.reshape(dims.stream().mapToInt(Integer::intValue).toArray())};
    };
  }
}
