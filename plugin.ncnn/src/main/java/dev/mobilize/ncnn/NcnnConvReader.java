package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.FusedOps;
import dev.mobilize.ir.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Convolution and ConvolutionDepthWise as Conv, or mobilize.FusedConv with the fused activation.
 * Pads -233/-234 are SAME_UPPER/SAME_LOWER. Int8 layers (int8_scale_term) become fake
 * quantization: the input goes through QuantizeLinear/DequantizeLinear with ncnn's input scale and
 * the weights are dequantized with their per-channel scales.
 */
final class NcnnConvReader implements NcnnLayerReader {

  private final boolean depthwise;

  NcnnConvReader(boolean depthwise) {
    this.depthwise = depthwise;
  }

  @Override
  public void read(NcnnParams p, ImportContext ctx) {
    NcnnConvGeometry geo = NcnnConvGeometry.of(p);
    int o = geo.outputs();
    int kw = geo.kw();
    int kh = geo.kh();
    int size = geo.weightSize();
    int group = depthwise ? p.getInt(7, 1) : 1;
    int int8 = p.getInt(8, 0);
    if (p.getFloat(18, 0f) != 0f) {
      throw new IllegalArgumentException("pad_value " + p.getFloat(18, 0f) + " is not supported");
    }
    if (o <= 0 || kw <= 0 || kh <= 0 || size <= 0 || size % (o * kw * kh) != 0) {
      throw new IllegalArgumentException("num_output " + o + ", kernel " + kw + "x" + kh + " and weight_data_size "
          + size + " do not fit together");
    }
    NcnnWeight w = ctx.weights.tagged(size, "the weights of '" + ctx.layer.name + "'");
    float[] b = geo.bias() ? ctx.weights.raw(o, "the bias of '" + ctx.layer.name + "'") : null;
    String x = ctx.in(0);
    float[] wv = w.data();
    if (int8 != 0) {
      float[] wScales = ctx.weights.raw(depthwise && group > 1 ? group : o, "the weight scales of '" + ctx.layer.name + "'");
      float[] inScale = ctx.weights.raw(1, "the input scale of '" + ctx.layer.name + "'");
      if (int8 > 100) {
        ctx.weights.raw(1, "the output scale of '" + ctx.layer.name + "'");
      }
      int perScale = wv.length / wScales.length;
      for (int i = 0; i < wv.length; i++) {
        float s = wScales[i / perScale];
        wv[i] = s == 0 ? 0 : wv[i] / s;
      }
      x = Int8.fakeQuantize(ctx, x, inScale[0]);
    }
    int ipg = size / (o * kw * kh);
    String wName = ctx.constant(ctx.layer.name + "_weight", Tensor.ofFloats(new long[] {o, ipg, kh, kw}, wv));
    List<String> ins = new ArrayList<>(List.of(x, wName));
    if (b != null) {
      ins.add(ctx.constant(ctx.layer.name + "_bias", Tensor.ofFloats(new long[] {o}, b)));
    }
    Attributes.Builder a = geo.attributes(group);
    if (geo.samePadding()) {
      a.set("auto_pad", geo.pl() == -233 ? "SAME_UPPER" : "SAME_LOWER");
    } else {
      a.ints("pads", geo.pt(), geo.pl(), geo.pb(), geo.pr());
    }
    boolean fused = Int8.activation(p, a);
    ctx.node(fused ? "mobilize" : "", fused ? FusedOps.FUSED_CONV : "Conv", ins, List.of(ctx.out(0)), a.build());
  }
}
