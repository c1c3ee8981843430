package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX ConstantOfShape: a tensor of the shape input filled with the value attribute (float 0 by default). */
final class ConstantOfShape implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    NdArray value = node.attributes().has("value") ? NdArray.fromTensor(node.attributes().tensor("value"))
        : NdArray.ofFloats(new int[] {1}, new float[] {0f});
    return (in, ex) -> {
      int[] shape = Layout.ints(in[0]);
      NdArray out = Layout.alloc(ex, value.type, shape);
      if (out.f != null) {
        java.util.Arrays.fill(out.f, value.f[0]);
      } else {
        java.util.Arrays.fill(out.l, value.l[0]);
      }
      return new NdArray[] {out};
    };
  }
}
