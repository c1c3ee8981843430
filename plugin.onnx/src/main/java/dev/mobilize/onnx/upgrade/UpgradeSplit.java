package dev.mobilize.onnx.upgrade;

import dev.mobilize.ir.Node;

/**
 * Split: before opset 13 the sizes are the {@code split} attribute; they become input 1. Without
 * sizes, opset 18 needs {@code num_outputs}.
 */
final class UpgradeSplit implements LegacyForm {

  @Override
  public boolean applies(Node node, long opset) {
    return opset < 18;
  }

  @Override
  public void rewrite(Node node, long opset, UpgradeContext out) {
    var attrs = node.attributes().toBuilder().remove("split");
    Node.Builder b = node.toBuilder();
    if (node.attributes().has("split")) {
      b.input(1, out.axes(node.output(0) + "_split", node.attributes().ints("split")));
    } else if (!node.hasInput(1)) {
      attrs.set("num_outputs", (long) node.outputs().size());
    }
    out.emit(b.attributes(attrs.build()).build());
  }
}
