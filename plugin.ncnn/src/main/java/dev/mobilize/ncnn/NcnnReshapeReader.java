package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Tensor;
import java.util.List;

/** Reshape to w/h/d/c (-233 absent, 0 keeps the input's dim of that name, -1 inferred); Flatten to 1-D. */
final class NcnnReshapeReader implements NcnnLayerReader {

  @Override
  public void read(NcnnParams p, ImportContext ctx) {
    if (ctx.layer.type.equals("Flatten")) {
      ctx.node("Flatten", List.of(ctx.in(0)), List.of(ctx.out(0)), Attributes.builder().set("axis", 1L).build());
      return;
    }
    if (p.getInt(3, 0) != 0) {
      throw new IllegalArgumentException("Reshape with permute=1 is not supported");
    }
    int w = p.getInt(0, -233);
    int h = p.getInt(1, -233);
    int d = p.getInt(11, -233);
    int c = p.getInt(2, -233);
    int[] nd = h == -233 ? new int[] {w} : c == -233 ? new int[] {h, w} : d == -233 ? new int[] {c, h, w}
        : new int[] {c, d, h, w};
    long[] shape = new long[nd.length + 1];
    shape[0] = 1;
    long[] in = null;
    for (int i = 0; i < nd.length; i++) {
      if (nd[i] == 0) {
        if (in == null) {
          in = ctx.dims(ctx.in(0));
        }
        // ncnn's 0 keeps the input's dimension of the same name (counted from w inwards)
        int fromEnd = nd.length - 1 - i;
        shape[i + 1] = in[in.length - 1 - fromEnd];
      } else {
        shape[i + 1] = nd[i];
      }
    }
    ctx.node("Reshape", List.of(ctx.in(0), ctx.constant(Tensor.vector(shape))), List.of(ctx.out(0)), Attributes.EMPTY);
  }
}
