package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Tensor;
import java.util.List;

/** Reduction (5=1 axes without batch) as ReduceX; coeff (2) as a following Mul. */
final class NcnnReductionReader implements NcnnLayerReader {

  private static final String[] OPS = {"ReduceSum", "ReduceL1", "ReduceSumSquare", "ReduceMean", "ReduceMax",
      "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp"};

  @Override
  public void read(NcnnParams p, ImportContext ctx) {
    int op = p.getInt(0, 0);
    if (op < 0 || op >= OPS.length || op == 1) {
      throw new IllegalArgumentException("operation " + op + " is not supported");
    }
    int[] axes = p.getInts(3);
    if (p.getInt(5, 0) == 0 && axes != null && axes.length > 0) {
      throw new IllegalArgumentException("reduction param is too old (5=0 with axes); ncnn refuses it too: regenerate it");
    }
    boolean all = p.getInt(1, 1) != 0;
    int rank = ctx.dims(ctx.in(0)).length;
    long[] ax;
    if (all || axes == null) {
      ax = new long[rank - 1];
      for (int i = 0; i < ax.length; i++) {
        ax[i] = i + 1;
      }
    } else {
      ax = new long[axes.length];
      for (int i = 0; i < ax.length; i++) {
        ax[i] = axes[i] < 0 ? axes[i] + rank : axes[i] + 1;
      }
    }
    float coeff = p.getFloat(2, 1f);
    String out = coeff == 1f ? ctx.out(0) : ctx.temp();
    ctx.node(OPS[op], List.of(ctx.in(0), ctx.constant(Tensor.vector(ax))), List.of(out),
        Attributes.builder().set("keepdims", (long) p.getInt(4, 0)).build());
    if (coeff != 1f) {
      ctx.node("Mul", List.of(out, ctx.constant(Tensor.scalar(coeff))), List.of(ctx.out(0)), Attributes.EMPTY);
    }
  }
}
