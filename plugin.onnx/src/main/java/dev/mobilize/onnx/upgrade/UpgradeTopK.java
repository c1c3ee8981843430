package dev.mobilize.onnx.upgrade;

import dev.mobilize.ir.Node;

/** TopK before opset 10: the {@code k} attribute becomes input 1. */
final class UpgradeTopK implements LegacyForm {

  @Override
  public boolean applies(Node node, long opset) {
    return opset < 10;
  }

  @Override
  public void rewrite(Node node, long opset, UpgradeContext out) {
    out.emit(node.toBuilder().input(1, out.axes(node.output(0) + "_k", new long[] {node.attributes().getInt("k")}))
        .attributes(node.attributes().toBuilder().remove("k").build()).build());
  }
}
