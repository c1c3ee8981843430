package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Tensor;
import java.util.List;

/** ShuffleChannel (group, reverse) as Reshape → Transpose → Reshape. */
final class NcnnShuffleChannelReader implements NcnnLayerReader {

  @Override
  public void read(NcnnParams p, ImportContext ctx) {
    long[] d = ctx.dims(ctx.in(0));
    long c = d[1];
    long g = p.getInt(0, 1);
    if (p.getInt(1, 0) != 0) {
      g = c / g;
    }
    long[] mid = new long[d.length + 1];
    mid[0] = 1;
    mid[1] = g;
    mid[2] = c / g;
    System.arraycopy(d, 2, mid, 3, d.length - 2);
    String r = ctx.temp();
    String t = ctx.temp();
    long[] perm = new long[mid.length];
    for (int i = 0; i < perm.length; i++) {
      perm[i] = i;
    }
    perm[1] = 2;
    perm[2] = 1;
    ctx.node("Reshape", List.of(ctx.in(0), ctx.constant(Tensor.vector(mid))), List.of(r), Attributes.EMPTY);
    ctx.node("Transpose", List.of(r), List.of(t), Attributes.builder().ints("perm", perm).build());
    ctx.node("Reshape", List.of(t, ctx.constant(Tensor.vector(d))), List.of(ctx.out(0)), Attributes.EMPTY);
  }
}
