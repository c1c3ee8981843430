package dev.mobilize.ncnn;

import dev.mobilize.ir.Node;
import java.util.List;

/** ReduceSum/Mean/Max/Min/Prod/L1/L2/SumSquare/LogSum/LogSumExp as Reduction over ncnn axes (5=1). */
final class NcnnReductionWriter implements NcnnLayerWriter {

  private final int op;

  NcnnReductionWriter(int op) {
    this.op = op;
  }

  @Override
  public void write(Node node, ExportContext ctx) {
    int rank = ctx.rank(node.input(0));
    long[] axes = node.hasInput(1) ? ctx.requireConstant(node, 1, "axes").toLongArray()
        : node.attributes().ints("axes", null);
    boolean keep = node.attributes().getInt("keepdims", 1) != 0;
    if (axes == null || axes.length == 0) {
      if (node.attributes().getInt("noop_with_empty_axes", 0) != 0) {
        throw new CannotExpress("noop_with_empty_axes=1 is not written");
      }
      throw new CannotExpress("reducing all axes includes the batch axis, which ncnn does not have");
    }
    int[] ax = new int[axes.length];
    for (int i = 0; i < axes.length; i++) {
      ax[i] = ctx.axis(axes[i], rank);
    }
    NcnnLayer l = ctx.add("Reduction", node, List.of(ctx.blob(node.input(0), rank)), List.of(node.output(0)));
    l.params.setIfNot(0, op, 0).set(1, 0).set(3, ax).setIfNot(4, keep ? 1 : 0, 0).set(5, 1);
  }
}
