package dev.mobilize.ncnn;

import dev.mobilize.ir.Node;
import java.util.List;

/** Softmax (opset 13: one axis) as Softmax with the remapped axis and 1=1 (ncnn's fixed axis handling). */
final class NcnnSoftmaxWriter implements NcnnLayerWriter {

  @Override
  public void write(Node node, ExportContext ctx) {
    int rank = ctx.rank(node.output(0));
    int axis = ctx.axis(node.attributes().getInt("axis", -1), rank);
    NcnnLayer l = ctx.add("Softmax", node, List.of(ctx.blob(node.input(0), rank)), List.of(node.output(0)));
    l.params.setIfNot(0, axis, 0).set(1, 1);
  }
}
