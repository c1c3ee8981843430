package dev.mobilize.onnx.upgrade;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;

/**
 * Upsample (opsets 7 to 9, deprecated in 10) becomes Resize: same scales, {@code asymmetric}
 * coordinates and {@code floor} rounding for nearest, which is what Upsample computes.
 */
final class UpgradeUpsample implements LegacyForm {

  @Override
  public boolean applies(Node node, long opset) {
    return true;
  }

  @Override
  public void rewrite(Node node, long opset, UpgradeContext out) {
    String scales;
    if (node.attributes().has("scales")) { // opsets 7 and 8
      float[] s = node.attributes().floats("scales");
      scales = out.constant(node.output(0) + "_scales", Tensor.ofFloats(new long[] {s.length}, s));
    } else {
      scales = node.input(1);
    }
    out.emit(Node.builder("Resize").name(node.name()).inputs(node.input(0), "", scales).outputs(node.outputs())
        .attributes(asymmetric(node.attributes().getString("mode", "nearest"))).docString(node.docString()).build());
  }

  /** Resize attributes equivalent to Upsample's (and Resize-10's) sampling. */
  static Attributes asymmetric(String mode) {
    String m = mode.equals("bilinear") ? "linear" : mode;
    Attributes.Builder b = Attributes.builder().set("mode", m).set("coordinate_transformation_mode", "asymmetric");
    if (m.equals("nearest")) {
      b.set("nearest_mode", "floor");
    }
    return b.build();
  }
}
