package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;
import java.util.List;

/**
 * Pooling: global pooling as GlobalMaxPool/GlobalAveragePool then Flatten (ncnn gives a 1-D blob);
 * windowed pooling as MaxPool/AveragePool with ncnn's padding made explicit: pad_mode 0 (full)
 * adds the tail padding ncnn adds on the right and bottom, 1 (valid) the given pads, 2/3 SAME.
 */
final class NcnnPoolingReader implements NcnnLayerReader {

  @Override
  public void read(NcnnParams p, ImportContext ctx) {
    boolean max = p.getInt(0, 0) == 0;
    if (p.getInt(0, 0) > 1) {
      throw new IllegalArgumentException("pooling_type " + p.getInt(0, 0) + " is not 0 (max) or 1 (average)");
    }
    if (p.getInt(7, 0) != 0) {
      throw new IllegalArgumentException("adaptive pooling is not supported");
    }
    if (p.getInt(4, 0) != 0) {
      String g = ctx.temp();
      ctx.node(max ? "GlobalMaxPool" : "GlobalAveragePool", List.of(ctx.in(0)), List.of(g), Attributes.EMPTY);
      ctx.node("Flatten", List.of(g), List.of(ctx.out(0)), Attributes.builder().set("axis", 1L).build());
      return;
    }
    int kw = p.getInt(1, 0);
    int kh = p.getInt(11, kw);
    int sw = p.getInt(2, 1);
    int sh = p.getInt(12, sw);
    int pl = p.getInt(3, 0);
    int pr = p.getInt(14, pl);
    int pt = p.getInt(13, pl);
    int pb = p.getInt(15, pt);
    int mode = p.getInt(5, 0);
    boolean includePad = p.getInt(6, 0) != 0;
    long[] pads;
    if (mode == 1) {
      pads = new long[] {pt, pl, pb, pr};
    } else {
      long[] d = ctx.dims(ctx.in(0));
      long h = d[2];
      long w = d[3];
      if (mode == 0) {
        long wtail = (w + pl + pr - kw) % sw;
        long htail = (h + pt + pb - kh) % sh;
        pads = new long[] {pt, pl, pb + (htail != 0 ? sh - htail : 0), pr + (wtail != 0 ? sw - wtail : 0)};
      } else {
        long wpad = Math.max(0, kw + (w - 1) / sw * sw - w);
        long hpad = Math.max(0, kh + (h - 1) / sh * sh - h);
        pads = mode == 2 ? new long[] {hpad / 2, wpad / 2, hpad - hpad / 2, wpad - wpad / 2}
            : new long[] {hpad - hpad / 2, wpad - wpad / 2, hpad / 2, wpad / 2};
      }
    }
    Attributes.Builder a = Attributes.builder().ints("kernel_shape", kh, kw).ints("strides", sh, sw)
        .ints("pads", pads);
    if (!max) {
      a.set("count_include_pad", includePad ? 1L : 0L);
    }
    ctx.node(max ? "MaxPool" : "AveragePool", List.of(ctx.in(0)), List.of(ctx.out(0)), a.build());
  }
}
