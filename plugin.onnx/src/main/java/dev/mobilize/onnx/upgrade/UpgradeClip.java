package dev.mobilize.onnx.upgrade;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Node;
import java.util.List;

/** Clip before opset 11: {@code min}/{@code max} attributes become the inputs 1 and 2. */
final class UpgradeClip implements LegacyForm {

  @Override
  public boolean applies(Node node, long opset) {
    return opset < 11;
  }

  @Override
  public void rewrite(Node node, long opset, UpgradeContext out) {
    DataType type = out.typeOf(node.input(0));
    List<String> inputs = List.of(node.input(0));
    if (node.attributes().has("min")) {
      inputs = UpgradeContext.withInput(inputs, 1,
          out.constant(node.output(0) + "_min", UpgradeContext.scalar(type, node.attributes().getFloat("min"))));
    }
    if (node.attributes().has("max")) {
      inputs = UpgradeContext.withInput(inputs, 2,
          out.constant(node.output(0) + "_max", UpgradeContext.scalar(type, node.attributes().getFloat("max"))));
    }
    out.emit(node.toBuilder().inputs(inputs).attributes(dev.mobilize.ir.Attributes.EMPTY).build());
  }
}
