package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Tensor;
import java.util.List;

/** InstanceNorm: gamma and beta (affine, 2) as InstanceNormalization. */
final class NcnnInstanceNormReader implements NcnnLayerReader {

  @Override
  public void read(NcnnParams p, ImportContext ctx) {
    int c = p.getInt(0, 0);
    float[] gamma = new float[c];
    float[] beta = new float[c];
    java.util.Arrays.fill(gamma, 1f);
    if (p.getInt(2, 1) != 0) {
      gamma = ctx.weights.raw(c, "the gamma of '" + ctx.layer.name + "'");
      beta = ctx.weights.raw(c, "the beta of '" + ctx.layer.name + "'");
    }
    ctx.node("InstanceNormalization", List.of(ctx.in(0), ctx.constant(Tensor.ofFloats(new long[] {c}, gamma)),
        ctx.constant(Tensor.ofFloats(new long[] {c}, beta))), List.of(ctx.out(0)),
        Attributes.builder().set("epsilon", p.getFloat(1, 0.001f)).build());
  }
}
