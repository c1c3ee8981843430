package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Tensor;
import java.util.List;

/** Concat along ncnn axis k (IR axis k+1). */
final class NcnnConcatReader implements NcnnLayerReader {

  @Override
  public void read(NcnnParams p, ImportContext ctx) {
    int axis = p.getInt(0, 0);
    List<String> ins = new java.util.ArrayList<>();
    for (int i = 0; i < ctx.layer.inputs.size(); i++) {
      ins.add(ctx.in(i));
    }
    ctx.node("Concat", ins, List.of(ctx.out(0)), Attributes.builder().set("axis", (long) (axis < 0 ? axis : axis + 1)).build());
  }
}
