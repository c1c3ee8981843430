package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Tensor;
import java.util.List;

/** BatchNorm: weights slope, mean, variance, bias; as BatchNormalization with eps (param 1). */
final class NcnnBatchNormReader implements NcnnLayerReader {

  @Override
  public void read(NcnnParams p, ImportContext ctx) {
    int c = p.getInt(0, 0);
    String what = "the weights of '" + ctx.layer.name + "'";
    float[] slope = ctx.weights.raw(c, what);
    float[] mean = ctx.weights.raw(c, what);
    float[] var = ctx.weights.raw(c, what);
    float[] bias = ctx.weights.raw(c, what);
    long[] d = {c};
    String n = ctx.layer.name;
    ctx.node("BatchNormalization", List.of(ctx.in(0), ctx.constant(n + "_scale", Tensor.ofFloats(d, slope)),
        ctx.constant(n + "_bias", Tensor.ofFloats(d, bias)), ctx.constant(n + "_mean", Tensor.ofFloats(d, mean)),
        ctx.constant(n + "_var", Tensor.ofFloats(d, var))), List.of(ctx.out(0)),
        Attributes.builder().set("epsilon", p.getFloat(1, 0f)).build());
  }
}
