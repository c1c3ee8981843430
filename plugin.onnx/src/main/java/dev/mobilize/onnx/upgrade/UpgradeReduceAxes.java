package dev.mobilize.onnx.upgrade;

import dev.mobilize.ir.Node;

/**
 * Reduce operators before the opset that made {@code axes} an input (13 for ReduceSum, 18 for the
 * others): the attribute becomes input 1.
 */
final class UpgradeReduceAxes implements LegacyForm {

  private final long inputSince;

  UpgradeReduceAxes(long inputSince) {
    this.inputSince = inputSince;
  }

  @Override
  public boolean applies(Node node, long opset) {
    return opset < inputSince && node.attributes().has("axes");
  }

  @Override
  public void rewrite(Node node, long opset, UpgradeContext out) {
    out.emit(node.toBuilder().input(1, out.axes(node.output(0) + "_axes", node.attributes().ints("axes")))
        .attributes(node.attributes().toBuilder().remove("axes").build()).build());
  }
}
