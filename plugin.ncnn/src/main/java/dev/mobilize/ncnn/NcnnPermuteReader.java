package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Tensor;
import java.util.List;

/** Permute: ncnn's order_type as a Transpose that keeps the batch axis first. */
final class NcnnPermuteReader implements NcnnLayerReader {

  @Override
  public void read(NcnnParams p, ImportContext ctx) {
    int t = p.getInt(0, 0);
    int rank = ctx.dims(ctx.in(0)).length - 1;
    int[][] table = rank == 2 ? NcnnTransposeWriter.ORDERS_2D : rank == 3 ? NcnnTransposeWriter.ORDERS_3D
        : rank == 4 ? NcnnTransposeWriter.ORDERS_4D : new int[][] {{0}};
    if (t < 0 || t >= table.length) {
      throw new IllegalArgumentException("order_type " + t + " does not exist for a " + rank + "-D blob");
    }
    long[] perm = new long[rank + 1];
    for (int i = 0; i < rank; i++) {
      perm[i + 1] = table[t][i] + 1;
    }
    ctx.node("Transpose", List.of(ctx.in(0)), List.of(ctx.out(0)), Attributes.builder().ints("perm", perm).build());
  }
}
