package dev.mobilize.cpu;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;

/** ONNX Constant: the one value attribute as a tensor (computed once at prepare time). */
final class Constant implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    Attributes a = node.attributes();
    NdArray value;
    if (a.has("value")) {
      value = NdArray.fromTensor(a.tensor("value"));
    } else if (a.has("value_float")) {
      value = NdArray.ofFloats(new int[0], new float[] {a.getFloat("value_float")});
    } else if (a.has("value_floats")) {
      float[] v = a.floats("value_floats");
      value = NdArray.ofFloats(new int[] {v.length}, v);
    } else if (a.has("value_int")) {
      value = NdArray.ofLongs(new int[0], new long[] {a.getInt("value_int")});
    } else if (a.has("value_ints")) {
      long[] v = a.ints("value_ints");
      value = NdArray.ofLongs(new int[] {v.length}, v);
    } else if (a.has("value_string")) {
      value = NdArray.ofStrings(new int[0], new String[] {a.getString("value_string")});
    } else if (a.has("value_strings")) {
      value = NdArray.ofStrings(new int[] {a.strings("value_strings").size()},
          a.strings("value_strings").toArray(new String[0]));
    } else {
      throw Broadcast.unsupported(node, "expected one of the attributes value, value_float(s), value_int(s), "
          + "value_string(s), found " + a.names());
    }
    return (in, ex) -> new NdArray[] {value};
  }

  static NdArray of(Tensor t) {
    return NdArray.fromTensor(t);
  }
}
