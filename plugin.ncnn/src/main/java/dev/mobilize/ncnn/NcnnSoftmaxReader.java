package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Tensor;
import java.util.List;

/** Softmax along ncnn axis k (IR axis k+1); old params (1=0 with an axis) are refused as ncnn does. */
final class NcnnSoftmaxReader implements NcnnLayerReader {

  @Override
  public void read(NcnnParams p, ImportContext ctx) {
    int axis = p.getInt(0, 0);
    if (p.getInt(1, 0) == 0 && axis != 0) {
      throw new IllegalArgumentException("softmax param is too old (1=0 with axis " + axis + "); ncnn refuses it too: regenerate it");
    }
    ctx.node("Softmax", List.of(ctx.in(0)), List.of(ctx.out(0)),
        Attributes.builder().set("axis", (long) (axis < 0 ? axis : axis + 1)).build());
  }
}
