package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Tensor;
import java.util.List;

/**
 * Interp on {@code (c, h, w)} blobs as Resize: nearest (1) with asymmetric coordinates rounded
 * down, bilinear (2) and bicubic (3) with half_pixel or align_corners (6). Scales (1, 2) or output sizes (3, 4).
 */
final class NcnnInterpReader implements NcnnLayerReader {

  @Override
  public void read(NcnnParams p, ImportContext ctx) {
    int type = p.getInt(0, 0);
    float hs = p.getFloat(1, 1f);
    float ws = p.getFloat(2, 1f);
    int oh = p.getInt(3, 0);
    int ow = p.getInt(4, 0);
    if (p.getInt(5, 0) != 0 || ctx.layer.inputs.size() != 1) {
      throw new IllegalArgumentException("Interp with a dynamic target size is not supported");
    }
    long[] in = ctx.dims(ctx.in(0));
    if (in.length != 4) {
      throw new IllegalArgumentException("Interp of a blob with " + (in.length - 1) + " dimensions is not supported "
          + "(only (c, h, w))");
    }
    Attributes.Builder a = Attributes.builder();
    String empty = ctx.constant(Tensor.ofFloats(new long[] {0}));
    String scalesOrEmpty = empty;
    String sizes = "";
    boolean bySize = oh != 0 || ow != 0;
    long outH = bySize ? oh : (long) (in[2] * hs);
    long outW = bySize ? ow : (long) (in[3] * ws);
    switch (type) {
      case 1 -> {
        a.set("mode", "nearest").set("coordinate_transformation_mode", "asymmetric").set("nearest_mode", "floor");
        if (!bySize) {
          scalesOrEmpty = ctx.constant(Tensor.ofFloats(new long[] {4}, 1f, 1f, hs, ws));
        }
      }
      case 2, 3 -> a.set("mode", type == 2 ? "linear" : "cubic").set("coordinate_transformation_mode",
          p.getInt(6, 0) != 0 ? "align_corners" : "half_pixel");
      default -> throw new IllegalArgumentException("resize_type " + type + " is not one of 1 nearest, 2 bilinear, 3 bicubic");
    }
    if (type != 1 || bySize) {
      sizes = ctx.constant(Tensor.vector(1, in[1], outH, outW));
    }
    ctx.node("Resize", sizes.isEmpty() ? List.of(ctx.in(0), empty, scalesOrEmpty) : List.of(ctx.in(0), empty, empty, sizes),
        List.of(ctx.out(0)), a.build());
  }
}
