package dev.mobilize.ncnn;

import dev.mobilize.ir.Node;
import java.util.List;

/**
 * MatMul: InnerProduct when B is a constant matrix and A is {@code [1, K]}; otherwise ncnn's
 * MatMul layer (numpy semantics on the blobs; a constant operand becomes MemoryData).
 */
final class NcnnMatMulWriter implements NcnnLayerWriter {

  private final NcnnInnerProductWriter innerProduct = new NcnnInnerProductWriter();

  @Override
  public void write(Node node, ExportContext ctx) {
    if (ctx.constant(node.input(1)).map(t -> t.rank() == 2).orElse(false) && ctx.rank(node.input(0)) == 2) {
      innerProduct.write(node, ctx);
      return;
    }
    int rank = ctx.rank(node.output(0));
    if (Int8Weights.of(node) != null) {
      Int8Weights.writtenInFloat(node, "ncnn's MatMul layer has no int8 form");
    }
    if (rank < 3) {
      throw new CannotExpress("MatMul of rank " + rank + " without a constant B has no ncnn form");
    }
    ctx.add("MatMul", node, List.of(ctx.blob(node.input(0), rank), ctx.blob(node.input(1), rank)),
        List.of(node.output(0)));
  }
}
