package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Tensor;
import java.util.List;

/** PReLU: one slope per channel (or one shared) as PRelu with the slope shaped to broadcast on the channel axis. */
final class NcnnPReluReader implements NcnnLayerReader {

  @Override
  public void read(NcnnParams p, ImportContext ctx) {
    int n = p.getInt(0, 0);
    float[] slope = ctx.weights.raw(n, "the slopes of '" + ctx.layer.name + "'");
    int rank = ctx.dims(ctx.in(0)).length;
    long[] d = new long[rank - 1];
    java.util.Arrays.fill(d, 1);
    d[0] = n;
    ctx.node("PRelu", List.of(ctx.in(0), ctx.constant(Tensor.ofFloats(n == 1 ? new long[] {1} : d, slope))),
        List.of(ctx.out(0)), Attributes.EMPTY);
  }
}
