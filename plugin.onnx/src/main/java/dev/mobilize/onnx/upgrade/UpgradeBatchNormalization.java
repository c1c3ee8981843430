package dev.mobilize.onnx.upgrade;

import dev.mobilize.ir.Node;
import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.MobilizeException;

/**
 * BatchNormalization: drops the legacy attributes ({@code spatial}, {@code is_test},
 * {@code consumed_inputs}) and the training outputs when nothing reads them. Training mode
 * ({@code training_mode=1}, or a running statistic that is read) and {@code spatial=0} have no
 * inference equivalent and are refused.
 */
final class UpgradeBatchNormalization implements LegacyForm {

  @Override
  public boolean applies(Node node, long opset) {
    return true;
  }

  @Override
  public void rewrite(Node node, long opset, UpgradeContext out) {
    if (node.attributes().getInt("spatial", 1) == 0) {
      throw new MobilizeException(ErrorCode.UNSUPPORTED_OP, "spatial=0 (per-activation statistics) is not supported");
    }
    if (node.attributes().getInt("training_mode", 0) != 0) {
      throw new MobilizeException(ErrorCode.UNSUPPORTED_OP, "training_mode=1 is not supported; export the model in eval mode");
    }
    for (int i = 1; i < node.outputs().size(); i++) {
      String o = node.output(i);
      if (!o.isEmpty() && out.isUsed(o)) {
        throw new MobilizeException(ErrorCode.UNSUPPORTED_OP, "output '" + o + "' (a training statistic) is used; export the model in eval mode");
      }
    }
    var attrs = node.attributes().toBuilder().remove("spatial").remove("is_test").remove("consumed_inputs")
        .remove("training_mode");
    out.emit(node.toBuilder().outputs(node.output(0)).attributes(attrs.build()).build());
  }
}
