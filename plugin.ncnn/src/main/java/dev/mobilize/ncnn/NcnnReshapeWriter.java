package dev.mobilize.ncnn;

import dev.mobilize.ir.Node;
import java.util.List;

/**
 * Reshape, Flatten, Squeeze and Unsqueeze as Reshape to the static output shape (w=0, h=1, d=11,
 * c=2), or Flatten when the output is {@code [1, n]}. The batch axis must stay first and 1.
 */
final class NcnnReshapeWriter implements NcnnLayerWriter {

  @Override
  public void write(Node node, ExportContext ctx) {
    long[] out = ctx.blobDims(node.output(0));
    String in = ctx.blob(node.input(0), ctx.rank(node.input(0)));
    if (out.length == 0) {
      throw new CannotExpress("the output is a scalar per batch; ncnn blobs have at least one dimension");
    }
    if (out.length == 1 && ctx.blobDims(node.input(0)).length > 1) {
      ctx.add("Flatten", node, List.of(in), List.of(node.output(0)));
      return;
    }
    NcnnLayer l = ctx.add("Reshape", node, List.of(in), List.of(node.output(0)));
    ExportContext.setShape(l.params, out);
  }
}
