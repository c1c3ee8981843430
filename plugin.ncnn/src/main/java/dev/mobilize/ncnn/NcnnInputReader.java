package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Tensor;
import java.util.List;

/** Input: a graph input; its shape from the w/h/c params or the input-shape option. */
final class NcnnInputReader implements NcnnLayerReader {

  @Override
  public void read(NcnnParams p, ImportContext ctx) {
    int w = p.getInt(0, 0);
    int h = p.getInt(1, 0);
    int d = p.getInt(11, 0);
    int c = p.getInt(2, 0);
    long[] dims = null;
    if (w > 0) {
      dims = c > 0 ? (d > 0 ? new long[] {c, d, h, w} : new long[] {c, h, w}) : h > 0 ? new long[] {h, w} : new long[] {w};
    }
    ctx.input(ctx.out(0), dims);
  }
}
