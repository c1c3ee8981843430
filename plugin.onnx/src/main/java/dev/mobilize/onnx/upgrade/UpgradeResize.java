package dev.mobilize.onnx.upgrade;

import dev.mobilize.ir.Node;
import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.MobilizeException;
import dev.mobilize.ir.Tensor;
import java.util.List;

/**
 * Resize before opset 13. Opset 10 is Upsample's semantics with (X, scales) inputs; opsets 11 and
 * 12 take (X, roi, scales, sizes) where an empty tensor means "not given", which opset 13 says
 * with an empty input name.
 */
final class UpgradeResize implements LegacyForm {

  @Override
  public boolean applies(Node node, long opset) {
    return opset < 13;
  }

  @Override
  public void rewrite(Node node, long opset, UpgradeContext out) {
    if (opset < 11) {
      out.emit(node.toBuilder().inputs(node.input(0), "", node.input(1))
          .attributes(UpgradeUpsample.asymmetric(node.attributes().getString("mode", "nearest"))).build());
      return;
    }
    String ctm = node.attributes().getString("coordinate_transformation_mode", "half_pixel");
    if (ctm.equals("tf_half_pixel_for_nn")) {
      throw new MobilizeException(ErrorCode.UNSUPPORTED_OP, "coordinate_transformation_mode 'tf_half_pixel_for_nn' was removed in "
          + "opset 13 and is not supported; re-export with 'half_pixel' or 'asymmetric'");
    }
    List<String> inputs = new java.util.ArrayList<>(node.inputs());
    for (int i = 1; i < inputs.size(); i++) {
      Tensor t = out.constantValue(inputs.get(i));
      if (t != null && t.numElements() == 0) {
        inputs.set(i, "");
      }
    }
    out.emit(node.toBuilder().inputs(inputs).build());
  }
}
