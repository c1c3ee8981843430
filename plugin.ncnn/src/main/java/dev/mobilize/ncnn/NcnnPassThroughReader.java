package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Tensor;
import java.util.List;

/** Split, Noop and Dropout with scale 1: their outputs are the input blob. */
final class NcnnPassThroughReader implements NcnnLayerReader {

  @Override
  public void read(NcnnParams p, ImportContext ctx) {
    if (ctx.layer.type.equals("Dropout") && p.getFloat(0, 1f) != 1f) {
      ctx.node("Mul", List.of(ctx.in(0), ctx.constant(Tensor.scalar(p.getFloat(0, 1f)))), List.of(ctx.out(0)),
          Attributes.EMPTY);
      return;
    }
    for (String o : ctx.layer.outputs) {
      ctx.alias(o, ctx.in(0));
    }
  }
}
