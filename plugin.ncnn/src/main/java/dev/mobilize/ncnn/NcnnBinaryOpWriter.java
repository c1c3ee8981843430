package dev.mobilize.ncnn;

import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import java.util.List;
import java.util.Optional;

/**
 * Add, Sub, Mul, Div, Pow, Max, Min (two inputs) as BinaryOp. A scalar constant operand becomes
 * {@code with_scalar=1, b=value} (the reversed op when it is the first operand); another constant
 * becomes MemoryData broadcast to the output rank, so both blobs have the same rank and ncnn's
 * per-axis broadcasting equals ONNX's.
 */
final class NcnnBinaryOpWriter implements NcnnLayerWriter {

  private final int op;
  private final int reversed;

  /**
   * @param op ncnn's op_type (0 add, 1 sub, 2 mul, 3 div, 4 max, 5 min, 6 pow)
   * @param reversed the op_type with swapped operands (7 rsub, 8 rdiv, 9 rpow; the op itself if commutative)
   */
  NcnnBinaryOpWriter(int op, int reversed) {
    this.op = op;
    this.reversed = reversed;
  }

  @Override
  public void write(Node node, ExportContext ctx) {
    if (node.inputs().size() != 2) {
      throw new CannotExpress("only two inputs are written, found " + node.inputs().size());
    }
    int rank = ctx.rank(node.output(0));
    Optional<Tensor> a = ctx.constant(node.input(0));
    Optional<Tensor> b = ctx.constant(node.input(1));
    if (b.isPresent() && b.get().numElements() == 1) {
      scalar(node, ctx, node.input(0), b.get(), op, rank);
      return;
    }
    if (a.isPresent() && a.get().numElements() == 1) {
      scalar(node, ctx, node.input(1), a.get(), reversed, rank);
      return;
    }
    for (int i = 0; i < 2; i++) {
      if (ctx.constant(node.input(i)).isEmpty() && ctx.rank(node.input(i)) != rank) {
        throw new CannotExpress("input '" + node.input(i) + "' has rank " + ctx.rank(node.input(i))
            + " but the output has rank " + rank + "; ncnn aligns blobs of different ranks differently from ONNX");
      }
    }
    NcnnLayer l = ctx.add("BinaryOp", node, List.of(ctx.blob(node.input(0), rank), ctx.blob(node.input(1), rank)),
        List.of(node.output(0)));
    l.params.setIfNot(0, op, 0);
  }

  private static void scalar(Node node, ExportContext ctx, String input, Tensor c, int op, int rank) {
    if (ctx.constant(input).isPresent()) {
      throw new CannotExpress("both inputs are constants; fold them first");
    }
    if (ctx.rank(input) != rank) {
      throw new CannotExpress("input '" + input + "' has rank " + ctx.rank(input) + ", the output " + rank);
    }
    NcnnLayer l = ctx.add("BinaryOp", node, List.of(ctx.blob(input, rank)), List.of(node.output(0)));
    l.params.setIfNot(0, op, 0).set(1, 1).set(2, c.toFloatArray()[0]);
  }
}
