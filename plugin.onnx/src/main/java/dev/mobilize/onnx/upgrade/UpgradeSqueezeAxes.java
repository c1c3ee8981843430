package dev.mobilize.onnx.upgrade;

import dev.mobilize.ir.Node;

/** Squeeze and Unsqueeze before opset 13: the {@code axes} attribute becomes input 1. */
final class UpgradeSqueezeAxes implements LegacyForm {

  @Override
  public boolean applies(Node node, long opset) {
    return opset < 13 && node.attributes().has("axes");
  }

  @Override
  public void rewrite(Node node, long opset, UpgradeContext out) {
    out.emit(node.toBuilder().input(1, out.axes(node.output(0) + "_axes", node.attributes().ints("axes")))
        .attributes(node.attributes().toBuilder().remove("axes").build()).build());
  }
}
