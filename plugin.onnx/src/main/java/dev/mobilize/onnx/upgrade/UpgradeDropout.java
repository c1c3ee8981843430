package dev.mobilize.onnx.upgrade;

import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;

/** Dropout before opset 12: the {@code ratio} attribute becomes input 1; {@code is_test} goes. */
final class UpgradeDropout implements LegacyForm {

  @Override
  public boolean applies(Node node, long opset) {
    return opset < 12;
  }

  @Override
  public void rewrite(Node node, long opset, UpgradeContext out) {
    Node.Builder b = node.toBuilder().attributes(node.attributes().toBuilder().remove("ratio").remove("is_test").build());
    if (node.attributes().has("ratio")) {
      b.input(1, out.constant(node.output(0) + "_ratio", Tensor.scalar(node.attributes().getFloat("ratio"))));
    }
    out.emit(b.build());
  }
}
