package dev.mobilize.ncnn;

import dev.mobilize.ir.Node;
import java.util.List;

/** Elementwise math (Abs, Neg, Sqrt, Exp, Log, ...) as UnaryOp with ncnn's op_type. */
final class NcnnUnaryOpWriter implements NcnnLayerWriter {

  private final int op;

  NcnnUnaryOpWriter(int op) {
    this.op = op;
  }

  @Override
  public void write(Node node, ExportContext ctx) {
    int rank = ctx.rank(node.output(0));
    NcnnLayer l = ctx.add("UnaryOp", node, List.of(ctx.blob(node.input(0), rank)), List.of(node.output(0)));
    l.params.setIfNot(0, op, 0);
  }
}
