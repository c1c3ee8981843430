package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX Flatten: a 2-D view, dimensions before {@code axis} become rows. */
final class Flatten implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    long axisAttr = node.attributes().getInt("axis", 1);
    return (in, ex) -> {
      NdArray x = in[0];
      int axis = (int) (axisAttr < 0 ? axisAttr + x.rank() : axisAttr);
      if (axis < 0 || axis > x.rank()) {
        throw Broadcast.error(node, "axis " + axisAttr + " is out of range for rank " + x.rank());
      }
      int rows = 1;
      for (int i = 0; i < axis; i++) {
        rows *= x.shape[i];
      }
      int cols = 1;
      for (int i = axis; i < x.rank(); i++) {
        cols *= x.shape[i];
      }
      return new NdArray[] {x.reshape(new int[] {rows, cols})};
    };
  }
}
