package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Tensor;
import java.util.List;

/** Crop with starts/ends/axes arrays (9, 10, 11) as Slice (ncnn axes + 1). */
final class NcnnCropReader implements NcnnLayerReader {

  @Override
  public void read(NcnnParams p, ImportContext ctx) {
    int[] starts = p.getInts(9);
    int[] ends = p.getInts(10);
    int[] axes = p.getInts(11);
    if (starts == null || ends == null) {
      throw new IllegalArgumentException("only Crop with starts/ends arrays (9, 10) is supported");
    }
    long[] s = new long[starts.length];
    long[] e = new long[starts.length];
    long[] a = new long[starts.length];
    for (int i = 0; i < starts.length; i++) {
      s[i] = starts[i];
      // ncnn's end of -233 (or beyond) means to the end
      e[i] = ends[i] == -233 ? Long.MAX_VALUE : ends[i];
      int ax = axes == null ? i : axes[i];
      a[i] = ax < 0 ? ax : ax + 1;
    }
    ctx.node("Slice", List.of(ctx.in(0), ctx.constant(Tensor.vector(s)), ctx.constant(Tensor.vector(e)),
        ctx.constant(Tensor.vector(a))), List.of(ctx.out(0)), Attributes.EMPTY);
  }
}
