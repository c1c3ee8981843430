package dev.mobilize.ncnn;

import dev.mobilize.ir.Node;
import java.util.ArrayList;
import java.util.List;

/** Concat as Concat with the axis remapped to ncnn's (no batch axis). */
final class NcnnConcatWriter implements NcnnLayerWriter {

  @Override
  public void write(Node node, ExportContext ctx) {
    int rank = ctx.rank(node.output(0));
    int axis = ctx.axis(node.attributes().getInt("axis"), rank);
    List<String> ins = new ArrayList<>();
    for (String in : node.inputs()) {
      ins.add(ctx.blob(in, rank));
    }
    NcnnLayer l = ctx.add("Concat", node, ins, List.of(node.output(0)));
    l.params.setIfNot(0, axis, 0);
  }
}
