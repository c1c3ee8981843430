package dev.mobilize.tnn;

import dev.mobilize.ir.Node;

/**
 * Writes one IR node as TNN layers. Throws {@link IllegalArgumentException} with the reason when
 * TNN cannot express this node (an attribute, a non-constant weight).
 */
interface TnnLayerWriter {
  void write(Node node, ExportContext ctx);
}
