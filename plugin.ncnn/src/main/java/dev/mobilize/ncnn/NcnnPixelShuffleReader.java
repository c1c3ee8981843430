package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;
import java.util.List;

/** PixelShuffle as DepthToSpace: mode 0 is CRD, 1 is DCR. */
final class NcnnPixelShuffleReader implements NcnnLayerReader {

  @Override
  public void read(NcnnParams p, ImportContext ctx) {
    ctx.node("DepthToSpace", List.of(ctx.in(0)), List.of(ctx.out(0)), Attributes.builder()
        .set("blocksize", (long) p.getInt(0, 1)).set("mode", p.getInt(1, 0) == 0 ? "CRD" : "DCR").build());
  }
}
