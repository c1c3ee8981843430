package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Tensor;
import java.util.List;

/** Slice: sizes (0, -233 = the rest shared evenly) along ncnn axis 1, as Split. */
final class NcnnSliceReader implements NcnnLayerReader {

  @Override
  public void read(NcnnParams p, ImportContext ctx) {
    int[] slices = p.getInts(0);
    int axis = p.getInt(1, 0);
    long[] d = ctx.dims(ctx.in(0));
    int irAxis = axis < 0 ? axis + d.length : axis + 1;
    long total = d[irAxis];
    int n = ctx.layer.outputs.size();
    long[] sizes = new long[n];
    long left = total;
    for (int i = 0; i < n; i++) {
      int s = slices != null && i < slices.length ? slices[i] : -233;
      sizes[i] = s == -233 ? (left + (n - i) - 1) / (n - i) : s;
      left -= sizes[i];
    }
    ctx.node("Split", List.of(ctx.in(0), ctx.constant(Tensor.vector(sizes))), ctx.layer.outputs,
        Attributes.builder().set("axis", (long) irAxis).build());
  }
}
