package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import java.util.List;

/**
 * ONNX ConvTranspose and mobilize.FusedConvTranspose (2-D) as Deconvolution (group 1) or
 * DeconvolutionDepthWise, with bias and fused activation. ONNX weights {@code [C_in, C_out/g, kh, kw]}
 * become ncnn's per-group {@code [C_out/g, C_in/g, kh, kw]}. Pads, output_padding, output_shape and
 * auto_pad are resolved from the static shapes into explicit pads (4, 15, 14, 16) and output pads
 * (18, 19): ncnn computes {@code (in-1)*stride + (k-1)*dilation + 1 + output_pad} and cuts the pads.
 */
final class NcnnDeconvWriter implements NcnnLayerWriter {

  @Override
  public void write(Node node, ExportContext ctx) {
    Tensor w = ctx.requireConstant(node, 1, "the weight");
    long[] wd = w.dims();
    if (wd.length != 4) {
      throw new CannotExpress("only 2-D transposed convolution is written (weight rank " + wd.length + ")");
    }
    Attributes a = node.attributes();
    int group = (int) a.getInt("group", 1);
    long[] in = ctx.blobDims(node.input(0));
    long[] out = ctx.blobDims(node.output(0));
    long[] strides = a.ints("strides", new long[] {1, 1});
    long[] dil = a.ints("dilations", new long[] {1, 1});
    int inG = (int) wd[0] / group;
    int outG = (int) wd[1];
    int kh = (int) wd[2];
    int kw = (int) wd[3];
    int[] begin = new int[2];
    int[] end = new int[2];
    int[] outPad = new int[2];
    long[] k = {kh, kw};
    for (int i = 0; i < 2; i++) {
      long span = strides[i] * (in[i + 1] - 1) + (k[i] - 1) * dil[i] + 1;
      begin[i] = padBegin(a, i, span, in[i + 1] * strides[i], out[i + 1]);
      long rest = span - begin[i] - out[i + 1];
      if (begin[i] < 0) {
        throw new CannotExpress("the output starts before the first computed element (pad " + begin[i]
            + "); ncnn cannot pad a deconvolution's output at the beginning");
      }
      // rest < 0: extra elements at the end (output_padding, or output_shape beyond the span)
      end[i] = (int) Math.max(rest, 0);
      outPad[i] = (int) Math.max(-rest, 0);
    }
    NcnnLayer l = ctx.add(group == 1 ? "Deconvolution" : "DeconvolutionDepthWise", node,
        List.of(ctx.blob(node.input(0), 4)), List.of(node.output(0)));
    NcnnParams p = l.params;
    p.set(0, outG * group).set(1, kw).setIfNot(11, kh, kw);
    p.setIfNot(2, (int) dil[1], 1).setIfNot(12, (int) dil[0], (int) dil[1]);
    p.setIfNot(3, (int) strides[1], 1).setIfNot(13, (int) strides[0], (int) strides[1]);
    Pads.write(p, new long[] {begin[0], begin[1], end[0], end[1]}, 4, 15, 14, 16);
    p.setIfNot(18, outPad[1], 0).setIfNot(19, outPad[0], outPad[1]);
    boolean bias = node.hasInput(2);
    p.setIfNot(5, bias ? 1 : 0, 0).set(6, (int) w.numElements());
    if (group != 1) {
      p.set(7, group);
    }
    l.taggedWeight(toNcnnOrder(w.toFloatArray(), group, inG, outG, kh * kw));
    if (bias) {
      l.rawWeight(ctx.requireConstant(node, 2, "the bias").toFloatArray());
    }
    Activations.fuse(node, l, ctx);
  }

  /**
   * The pad at the beginning of spatial axis {@code i}, as ONNX defines it: explicit pads, or for
   * output_shape and SAME_* the total {@code span - wanted} split with the odd element at the end
   * for SAME_UPPER and at the beginning otherwise.
   */
  private static int padBegin(Attributes a, int i, long span, long sameSize, long outSize) {
    String auto = a.getString("auto_pad", "NOTSET");
    long[] outputShape = a.ints("output_shape", null);
    long[] outputPadding = a.ints("output_padding", new long[] {0, 0});
    if (outputShape != null || auto.equals("SAME_UPPER") || auto.equals("SAME_LOWER")) {
      long wanted = outputShape != null ? outSize : sameSize;
      long total = span + outputPadding[i] - wanted;
      return (int) (auto.equals("SAME_UPPER") ? Math.floorDiv(total, 2) : total - Math.floorDiv(total, 2));
    }
    long[] pads = a.ints("pads", new long[] {0, 0, 0, 0});
    return auto.equals("VALID") ? 0 : (int) pads[i];
  }

  /** {@code w'[g][o][c][k] = w[g*inG + c][o][k]}: per group, output channels outermost. */
  static float[] toNcnnOrder(float[] w, int group, int inG, int outG, int kk) {
    float[] r = new float[w.length];
    for (int g = 0; g < group; g++) {
      for (int o = 0; o < outG; o++) {
        for (int c = 0; c < inG; c++) {
          System.arraycopy(w, (((g * inG + c) * outG) + o) * kk, r, (((g * outG + o) * inG) + c) * kk, kk);
        }
      }
    }
    return r;
  }
}
