package dev.mobilize.ncnn;

import dev.mobilize.ir.Node;

/**
 * An ONNX LSTM or GRU that {@link LowerRecurrent} left as it is: ncnn cannot compute it, and the
 * pre-flight check says why.
 */
final class NcnnUnloweredRecurrentWriter implements NcnnLayerWriter {

  @Override
  public void write(Node node, ExportContext ctx) {
    String why = LowerRecurrent.whyNot(node, ctx.graph);
    throw new CannotExpress(why != null ? why : node.opType() + " was not lowered to ncnn's blob layout");
  }
}
