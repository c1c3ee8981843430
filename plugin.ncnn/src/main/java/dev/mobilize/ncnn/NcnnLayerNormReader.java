package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Tensor;
import java.util.List;

/**
 * LayerNorm as LayerNormalization: ncnn normalizes each row when affine_size (0) is the width,
 * else each channel (the last two axes); eps (1, default 0.001); gamma and beta when affine (2).
 */
final class NcnnLayerNormReader implements NcnnLayerReader {

  @Override
  public void read(NcnnParams p, ImportContext ctx) {
    int size = p.getInt(0, 0);
    long[] d = ctx.dims(ctx.in(0));
    int rank = d.length;
    long axis = d[rank - 1] == size ? -1 : -2;
    if (axis == -2 && (rank < 3 || d[rank - 1] * d[rank - 2] != size)) {
      throw new IllegalArgumentException("affine_size " + size + " is neither the width nor the width times the height"
          + " of input " + java.util.Arrays.toString(d));
    }
    float[] gamma = new float[size];
    float[] beta = new float[size];
    java.util.Arrays.fill(gamma, 1f);
    if (p.getInt(2, 1) != 0) {
      gamma = ctx.weights.raw(size, "the gamma of '" + ctx.layer.name + "'");
      beta = ctx.weights.raw(size, "the beta of '" + ctx.layer.name + "'");
    }
    long[] shape = axis == -1 ? new long[] {size} : new long[] {d[rank - 2], d[rank - 1]};
    ctx.node("LayerNormalization", List.of(ctx.in(0), ctx.constant(Tensor.ofFloats(shape, gamma)),
        ctx.constant(Tensor.ofFloats(shape, beta))), List.of(ctx.out(0)),
        Attributes.builder().set("axis", axis).set("epsilon", p.getFloat(1, 0.001f)).build());
  }
}
