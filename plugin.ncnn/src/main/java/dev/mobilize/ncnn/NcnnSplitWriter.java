package dev.mobilize.ncnn;

import dev.mobilize.ir.Node;
import java.util.List;

/** Split as Slice: 0=slice sizes along 1=axis (sizes from the static output shapes). */
final class NcnnSplitWriter implements NcnnLayerWriter {

  @Override
  public void write(Node node, ExportContext ctx) {
    int rank = ctx.rank(node.input(0));
    long axisIr = node.attributes().getInt("axis", 0);
    int axis = ctx.axis(axisIr, rank);
    int a = (int) (axisIr < 0 ? axisIr + rank : axisIr);
    int[] sizes = new int[node.outputs().size()];
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = (int) ctx.dims(node.output(i))[a];
    }
    NcnnLayer l = ctx.add("Slice", node, List.of(ctx.blob(node.input(0), rank)), node.outputs());
    l.params.set(0, sizes).setIfNot(1, axis, 0);
  }
}
