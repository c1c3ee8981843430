package dev.mobilize.ncnn;

import dev.mobilize.ir.Node;
import java.util.List;

/**
 * Pad (constant, edge, reflect; constant pads and value) as Padding: type 0 constant with value (5),
 * 1 replicate, 2 reflect; top/bottom (0, 1) and left/right (2, 3) for the last two axes,
 * front/behind (7, 8) for the channel axis of a {@code [1, C, H, W]} value. The batch axis stays unpadded.
 */
final class NcnnPaddingWriter implements NcnnLayerWriter {

  @Override
  public void write(Node node, ExportContext ctx) {
    int rank = ctx.rank(node.input(0));
    long[] pads = node.hasInput(1) ? ctx.requireConstant(node, 1, "pads").toLongArray()
        : node.attributes().ints("pads", new long[0]);
    if (node.hasInput(3)) {
      throw new CannotExpress("axes (input 3) are not written");
    }
    if (pads.length != 2 * rank) {
      throw new CannotExpress("pads has " + pads.length + " values, expected " + 2 * rank);
    }
    if (rank < 2 || rank > 4) {
      throw new CannotExpress("only values of rank 2 to 4 are padded, found rank " + rank);
    }
    for (long v : pads) {
      if (v < 0) {
        throw new CannotExpress("negative pads (cropping) are not written");
      }
    }
    if (pads[0] != 0 || pads[rank] != 0) {
      throw new CannotExpress("padding the batch axis has no ncnn form");
    }
    String mode = node.attributes().getString("mode", "constant");
    int type = switch (mode) {
      case "constant" -> 0;
      case "edge" -> 1;
      case "reflect" -> 2;
      default -> throw new CannotExpress("pad mode '" + mode + "' has no ncnn form (constant, edge, reflect)");
    };
    float value = node.hasInput(2) ? ctx.requireConstant(node, 2, "constant_value").toFloatArray()[0]
        : node.attributes().getFloat("value", 0f);
    // IR axis rank-1 is ncnn w (left/right), rank-2 h (top/bottom), rank-3 c (front/behind)
    NcnnLayer l = ctx.add("Padding", node, List.of(ctx.blob(node.input(0), rank)), List.of(node.output(0)));
    NcnnParams p = l.params;
    p.setIfNot(2, (int) pads[rank - 1], 0).setIfNot(3, (int) pads[2 * rank - 1], 0);
    if (rank >= 3) {
      p.setIfNot(0, (int) pads[rank - 2], 0).setIfNot(1, (int) pads[2 * rank - 2], 0);
    }
    if (rank == 4) {
      p.setIfNot(7, (int) pads[1], 0).setIfNot(8, (int) pads[rank + 1], 0);
    }
    p.setIfNot(4, type, 0);
    if (type == 0) {
      p.setIfNot(5, value, 0f);
    }
  }
}
