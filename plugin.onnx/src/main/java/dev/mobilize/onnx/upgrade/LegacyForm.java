package dev.mobilize.onnx.upgrade;

import dev.mobilize.ir.Node;

/**
 * One operator's old form and its rewrite to the newest equivalent, so that passes and kernels
 * see one form per operator. Rules are listed in {@link OpsetUpgrade#RULES}.
 */
interface LegacyForm {

  /** True when the node, read at {@code opset}, is in this old form. Cheap; no side effects. */
  boolean applies(Node node, long opset);

  /** Emits the newest-form replacement of {@code node} through {@code out}. */
  void rewrite(Node node, long opset, UpgradeContext out);
}
