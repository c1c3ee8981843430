package dev.mobilize.onnx.upgrade;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Node;

/** Slice before opset 10: {@code starts}, {@code ends} and {@code axes} attributes become inputs 1 to 3. */
final class UpgradeSlice implements LegacyForm {

  @Override
  public boolean applies(Node node, long opset) {
    return opset < 10;
  }

  @Override
  public void rewrite(Node node, long opset, UpgradeContext out) {
    var a = node.attributes();
    String o = node.output(0);
    Node.Builder b = node.toBuilder()
        .input(1, out.axes(o + "_starts", a.ints("starts")))
        .input(2, out.axes(o + "_ends", a.ints("ends")));
    if (a.has("axes")) {
      b.input(3, out.axes(o + "_axes", a.ints("axes")));
    }
    out.emit(b.attributes(Attributes.EMPTY).build());
  }
}
