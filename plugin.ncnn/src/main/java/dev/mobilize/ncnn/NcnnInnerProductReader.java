package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.FusedOps;
import dev.mobilize.ir.Tensor;
import java.util.ArrayList;
import java.util.List;

/** InnerProduct: the input flattened, then Gemm (transB=1) or mobilize.FusedGemm with the activation. */
final class NcnnInnerProductReader implements NcnnLayerReader {

  @Override
  public void read(NcnnParams p, ImportContext ctx) {
    int n = p.getInt(0, 0);
    boolean bias = p.getInt(1, 0) != 0;
    int size = p.getInt(2, 0);
    int int8 = p.getInt(8, 0);
    if (n <= 0 || size <= 0 || size % n != 0) {
      throw new IllegalArgumentException("num_output " + n + " and weight_data_size " + size + " do not fit together");
    }
    int k = size / n;
    float[] w = ctx.weights.tagged(size, "the weights of '" + ctx.layer.name + "'").data();
    float[] b = bias ? ctx.weights.raw(n, "the bias of '" + ctx.layer.name + "'") : null;
    String x = ctx.in(0);
    if (int8 != 0) {
      float[] scales = ctx.weights.raw(n, "the weight scales of '" + ctx.layer.name + "'");
      float[] inScale = ctx.weights.raw(1, "the input scale of '" + ctx.layer.name + "'");
      for (int i = 0; i < w.length; i++) {
        w[i] = scales[i / k] == 0 ? 0 : w[i] / scales[i / k];
      }
      x = Int8.fakeQuantize(ctx, x, inScale[0]);
    }
    String flat = ctx.temp();
    ctx.node("Flatten", List.of(x), List.of(flat), Attributes.builder().set("axis", 1L).build());
    List<String> ins = new ArrayList<>(List.of(flat,
        ctx.constant(ctx.layer.name + "_weight", Tensor.ofFloats(new long[] {n, k}, w))));
    if (b != null) {
      ins.add(ctx.constant(ctx.layer.name + "_bias", Tensor.ofFloats(new long[] {n}, b)));
    }
    Attributes.Builder a = Attributes.builder().set("transB", 1L);
    boolean fused = Int8.activation(p, a);
    ctx.node(fused ? "mobilize" : "", fused ? FusedOps.FUSED_GEMM : "Gemm", ins, List.of(ctx.out(0)), a.build());
  }
}
