package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Tensor;
import java.util.List;

/**
 * GroupNorm of a {@code (c, h, w)} blob as {@code Reshape([1, G, -1]) → InstanceNormalization →
 * Reshape(back) → Mul(γ) → Add(β)}; eps (2) defaults to 0.001, γ and β when affine (3).
 */
final class NcnnGroupNormReader implements NcnnLayerReader {

  @Override
  public void read(NcnnParams p, ImportContext ctx) {
    int groups = p.getInt(0, 1);
    int c = p.getInt(1, 0);
    long[] d = ctx.dims(ctx.in(0));
    if (d.length != 4 || d[1] != c || groups <= 0 || c % groups != 0) {
      throw new IllegalArgumentException("GroupNorm of " + groups + " groups and " + c + " channels does not fit input "
          + java.util.Arrays.toString(d) + " (only (c, h, w) blobs are supported)");
    }
    float[] gamma = new float[c];
    float[] beta = new float[c];
    java.util.Arrays.fill(gamma, 1f);
    if (p.getInt(3, 1) != 0) {
      gamma = ctx.weights.raw(c, "the gamma of '" + ctx.layer.name + "'");
      beta = ctx.weights.raw(c, "the beta of '" + ctx.layer.name + "'");
    }
    float[] ones = new float[groups];
    java.util.Arrays.fill(ones, 1f);
    String grouped = ctx.temp();
    String normed = ctx.temp();
    String back = ctx.temp();
    String scaled = ctx.temp();
    ctx.node("Reshape", List.of(ctx.in(0), ctx.constant(Tensor.vector(1, groups, -1))), List.of(grouped), Attributes.EMPTY);
    ctx.node("InstanceNormalization", List.of(grouped, ctx.constant(Tensor.ofFloats(new long[] {groups}, ones)),
        ctx.constant(Tensor.ofFloats(new long[] {groups}, new float[groups]))), List.of(normed),
        Attributes.builder().set("epsilon", p.getFloat(2, 0.001f)).build());
    ctx.node("Reshape", List.of(normed, ctx.constant(Tensor.vector(d))), List.of(back), Attributes.EMPTY);
    ctx.node("Mul", List.of(back, ctx.constant(Tensor.ofFloats(new long[] {c, 1, 1}, gamma))), List.of(scaled),
        Attributes.EMPTY);
    ctx.node("Add", List.of(scaled, ctx.constant(Tensor.ofFloats(new long[] {c, 1, 1}, beta))), List.of(ctx.out(0)),
        Attributes.EMPTY);
  }
}
