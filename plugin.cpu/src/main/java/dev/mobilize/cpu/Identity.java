package dev.mobilize.cpu;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Node;
import java.util.Arrays;

/** ONNX Identity, and Dropout in inference (output = input, mask all true when requested). */
final class Identity implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    boolean dropout = node.opType().equals("Dropout");
    if (dropout && node.hasInput(2)) {
      NdArray training = binding.constant(2);
      if (training == null || training.getLong(0) != 0) {
        throw Broadcast.unsupported(node, "training_mode may be true: random dropout is not supported, "
            + "expected inference (training_mode absent or false)");
      }
    }
    return (in, ex) -> {
      if (dropout && node.outputs().size() > 1) {
        long[] mask = ex.longs(in[0].size());
        Arrays.fill(mask, 1);
        return new NdArray[] {in[0], NdArray.ofLongs(DataType.BOOL, in[0].shape, mask)};
      }
      return new NdArray[] {in[0]};
    };
  }
}
