package dev.mobilize.onnx.upgrade;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;

/**
 * {@code Constant} nodes (all opsets, every {@code value*} attribute) become initializers of the
 * same name: one way to hold a constant, so folding and lowering look in one place.
 */
final class ConstantToInitializer implements LegacyForm {

  @Override
  public boolean applies(Node node, long opset) {
    return node.outputs().size() == 1 && !node.attributes().has("sparse_value");
  }

  @Override
  public void rewrite(Node node, long opset, UpgradeContext out) {
    out.emitConstant(node.output(0), value(node.attributes()));
  }

  static Tensor value(Attributes a) {
    if (a.has("value")) {
      return a.tensor("value");
    } else if (a.has("value_float")) {
      return Tensor.scalar(a.getFloat("value_float"));
    } else if (a.has("value_floats")) {
      float[] f = a.floats("value_floats");
      return Tensor.ofFloats(new long[] {f.length}, f);
    } else if (a.has("value_int")) {
      return Tensor.ofLongs(new long[0], a.getInt("value_int"));
    } else if (a.has("value_ints")) {
      return Tensor.vector(a.ints("value_ints"));
    } else if (a.has("value_string")) {
      return Tensor.ofStrings(new long[0], java.util.List.of(a.getString("value_string")));
    } else if (a.has("value_strings")) {
      java.util.List<String> s = a.strings("value_strings");
      return Tensor.ofStrings(new long[] {s.size()}, s);
    }
    throw new IllegalArgumentException("Constant has no value attribute (value, value_float, value_ints, ...)");
  }
}
