package dev.mobilize.onnx.upgrade;

import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;

/**
 * Pad before opset 11: the {@code pads} (opset 1: {@code paddings}) and {@code value} attributes
 * become inputs 1 and 2.
 */
final class UpgradePad implements LegacyForm {

  @Override
  public boolean applies(Node node, long opset) {
    return opset < 11;
  }

  @Override
  public void rewrite(Node node, long opset, UpgradeContext out) {
    var a = node.attributes();
    long[] pads = a.has("pads") ? a.ints("pads") : a.ints("paddings");
    Node.Builder b = node.toBuilder().input(1, out.axes(node.output(0) + "_pads", pads));
    float value = a.getFloat("value", 0f);
    if (value != 0f) {
      b.input(2, out.constant(node.output(0) + "_value", UpgradeContext.scalar(out.typeOf(node.input(0)), value)));
    }
    out.emit(b.attributes(a.toBuilder().remove("pads").remove("paddings").remove("value").build()).build());
  }
}
