package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Tensor;
import java.util.List;

/** Padding as Pad: type 0 constant (value 5), 1 edge, 2 reflect; front/behind pad the channel axis. */
final class NcnnPaddingReader implements NcnnLayerReader {

  @Override
  public void read(NcnnParams p, ImportContext ctx) {
    if (p.getInt(6, 0) != 0) {
      throw new IllegalArgumentException("per-channel pad values (6) are not supported");
    }
    String mode = switch (p.getInt(4, 0)) {
      case 0 -> "constant";
      case 1 -> "edge";
      case 2 -> "reflect";
      default -> throw new IllegalArgumentException("padding type " + p.getInt(4, 0) + " is not one of 0, 1, 2");
    };
    int rank = ctx.dims(ctx.in(0)).length;
    if (rank < 2 || rank > 4) {
      throw new IllegalArgumentException("Padding of a blob with " + (rank - 1) + " dimensions is not supported");
    }
    long[] pads = new long[2 * rank];
    pads[rank - 1] = p.getInt(2, 0);
    pads[2 * rank - 1] = p.getInt(3, 0);
    if (rank >= 3) {
      pads[rank - 2] = p.getInt(0, 0);
      pads[2 * rank - 2] = p.getInt(1, 0);
    }
    if (rank == 4) {
      pads[1] = p.getInt(7, 0);
      pads[rank + 1] = p.getInt(8, 0);
    }
    ctx.node("Pad", List.of(ctx.in(0), ctx.constant(Tensor.vector(pads)), ctx.constant(Tensor.scalar(p.getFloat(5, 0f)))),
        List.of(ctx.out(0)), Attributes.builder().set("mode", mode).build());
  }
}
