package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Tensor;
import java.util.List;

/** MemoryData: a constant of the w/h/d/c params' shape (with the batch 1 in front). */
final class NcnnMemoryDataReader implements NcnnLayerReader {

  @Override
  public void read(NcnnParams p, ImportContext ctx) {
    int w = p.getInt(0, 0);
    int h = p.getInt(1, 0);
    int d = p.getInt(11, 0);
    int c = p.getInt(2, 0);
    long[] dims = c > 0 ? (d > 0 ? new long[] {1, c, d, h, w} : new long[] {1, c, h, w})
        : h > 0 ? new long[] {1, h, w} : new long[] {1, w};
    long n = 1;
    for (long x : dims) {
      n *= x;
    }
    if (w <= 0 || n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("shape w=" + w + " h=" + h + " c=" + c + " is not a valid MemoryData shape");
    }
    float[] data = p.getInt(21, 1) == 0 ? ctx.weights.tagged((int) n, "the data of '" + ctx.layer.name + "'").data()
        : ctx.weights.raw((int) n, "the data of '" + ctx.layer.name + "'");
    ctx.constant(ctx.out(0), Tensor.ofFloats(dims, data));
  }
}
