package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.FusedOps;
import dev.mobilize.ir.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Deconvolution and DeconvolutionDepthWise as ConvTranspose (or mobilize.FusedConvTranspose with
 * the fused activation): weights go back from ncnn's per-group {@code [C_out/g, C_in/g, kh, kw]} to
 * ONNX's {@code [C_in, C_out/g, kh, kw]}; output pads (18, 19) are output_padding.
 */
final class NcnnDeconvReader implements NcnnLayerReader {

  private final boolean depthwise;

  NcnnDeconvReader(boolean depthwise) {
    this.depthwise = depthwise;
  }

  @Override
  public void read(NcnnParams p, ImportContext ctx) {
    NcnnConvGeometry geo = NcnnConvGeometry.of(p);
    int o = geo.outputs();
    int kw = geo.kw();
    int kh = geo.kh();
    int opr = p.getInt(18, 0);
    int opb = p.getInt(19, opr);
    int size = geo.weightSize();
    int group = depthwise ? p.getInt(7, 1) : 1;
    if (p.getInt(28, 0) != 0) {
      throw new IllegalArgumentException("dynamic weights (28=1) are not supported");
    }
    if (geo.pl() < 0 || geo.pr() < 0 || geo.pt() < 0 || geo.pb() < 0 || p.getInt(20, 0) != 0) {
      throw new IllegalArgumentException("SAME pads (-233/-234) and output sizes (20, 21) are not supported; "
          + "only explicit pads");
    }
    if (o <= 0 || kw <= 0 || kh <= 0 || size <= 0 || o % group != 0 || size % (o * kw * kh) != 0) {
      throw new IllegalArgumentException("num_output " + o + ", kernel " + kw + "x" + kh + ", group " + group
          + " and weight_data_size " + size + " do not fit together");
    }
    float[] w = ctx.weights.tagged(size, "the weights of '" + ctx.layer.name + "'").data();
    float[] b = geo.bias() ? ctx.weights.raw(o, "the bias of '" + ctx.layer.name + "'") : null;
    int outG = o / group;
    int inG = size / (o * kw * kh);
    int kk = kw * kh;
    // w[g*inG + c][oc][k] = ncnn[g][oc][c][k]
    float[] onnx = new float[w.length];
    for (int g = 0; g < group; g++) {
      for (int oc = 0; oc < outG; oc++) {
        for (int c = 0; c < inG; c++) {
          System.arraycopy(w, ((g * outG + oc) * inG + c) * kk, onnx, ((g * inG + c) * outG + oc) * kk, kk);
        }
      }
    }
    String wName = ctx.constant(ctx.layer.name + "_weight",
        Tensor.ofFloats(new long[] {(long) inG * group, outG, kh, kw}, onnx));
    List<String> ins = new ArrayList<>(List.of(ctx.in(0), wName));
    if (b != null) {
      ins.add(ctx.constant(ctx.layer.name + "_bias", Tensor.ofFloats(new long[] {o}, b)));
    }
    Attributes.Builder a = geo.attributes(group).ints("pads", geo.pt(), geo.pl(), geo.pb(), geo.pr());
    if (opr != 0 || opb != 0) {
      a.ints("output_padding", opb, opr);
    }
    boolean fused = Int8.activation(p, a);
    ctx.node(fused ? "mobilize" : "", fused ? FusedOps.FUSED_CONV_TRANSPOSE : "ConvTranspose", ins,
        List.of(ctx.out(0)), a.build());
  }
}
