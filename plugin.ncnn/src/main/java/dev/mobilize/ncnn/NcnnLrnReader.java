package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;
import java.util.List;

/** LRN across channels (region_type 0) as ONNX LRN. */
final class NcnnLrnReader implements NcnnLayerReader {

  @Override
  public void read(NcnnParams p, ImportContext ctx) {
    if (p.getInt(0, 0) != 0) {
      throw new IllegalArgumentException("LRN within a channel (region_type 1) is not supported");
    }
    ctx.node("LRN", List.of(ctx.in(0)), List.of(ctx.out(0)), Attributes.builder().set("size", (long) p.getInt(1, 5))
        .set("alpha", p.getFloat(2, 1f)).set("beta", p.getFloat(3, 0.75f)).set("bias", p.getFloat(4, 1f)).build());
  }
}
