package dev.mobilize.ncnn;

import dev.mobilize.ir.Node;

/** Writes one IR operator as ncnn layers. One small class per operator family, listed in {@link NcnnWriters}. */
interface NcnnLayerWriter {

  /**
   * Adds the layers for {@code node} to the context's net.
   *
   * @throws CannotExpress when ncnn cannot express this node (its message says why)
   */
  void write(Node node, ExportContext ctx);
}
