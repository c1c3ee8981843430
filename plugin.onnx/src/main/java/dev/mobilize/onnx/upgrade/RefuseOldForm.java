package dev.mobilize.onnx.upgrade;

import dev.mobilize.ir.Node;
import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.MobilizeException;

/** An old form whose semantics have no newest equivalent: refused with what to do instead. */
final class RefuseOldForm implements LegacyForm {

  private final long since;
  private final String message;

  RefuseOldForm(long since, String message) {
    this.since = since;
    this.message = message;
  }

  @Override
  public boolean applies(Node node, long opset) {
    return opset < since;
  }

  @Override
  public void rewrite(Node node, long opset, UpgradeContext out) {
    throw new MobilizeException(ErrorCode.UNSUPPORTED_OP, message);
  }
}
