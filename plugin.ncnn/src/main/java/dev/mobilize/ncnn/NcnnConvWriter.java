package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import java.util.List;

/**
 * ONNX Conv and mobilize.FusedConv (2-D) as Convolution (group 1) or ConvolutionDepthWise (any
 * other group), with bias and fused activation. Weights {@code [O, I/g, kh, kw]} are stored in the
 * same order; pads are explicit (auto_pad is resolved from the static shapes). A node that
 * {@link LowerQdqToInt8} marked is written in int8 (int8_scale_term 2, or 1 per group).
 */
final class NcnnConvWriter implements NcnnLayerWriter {

  @Override
  public void write(Node node, ExportContext ctx) {
    Tensor w = ctx.requireConstant(node, 1, "the weight");
    long[] wd = w.dims();
    if (wd.length != 4) {
      throw new CannotExpress("only 2-D convolution is written (weight rank " + wd.length + ")");
    }
    Attributes a = node.attributes();
    long group = a.getInt("group", 1);
    long[] in = ctx.blobDims(node.input(0));
    long[] out = ctx.blobDims(node.output(0));
    long[] strides = a.ints("strides", new long[] {1, 1});
    long[] dil = a.ints("dilations", new long[] {1, 1});
    long[] pads = Pads.resolve(a, new long[] {in[1], in[2]}, new long[] {wd[2], wd[3]}, strides, dil,
        new long[] {out[1], out[2]});
    NcnnLayer l = ctx.add(group == 1 ? "Convolution" : "ConvolutionDepthWise", node,
        List.of(ctx.blob(node.input(0), 4)), List.of(node.output(0)));
    NcnnParams p = l.params;
    p.set(0, (int) wd[0]).set(1, (int) wd[3]).setIfNot(11, (int) wd[2], (int) wd[3]);
    p.setIfNot(2, (int) dil[1], 1).setIfNot(12, (int) dil[0], (int) dil[1]);
    p.setIfNot(3, (int) strides[1], 1).setIfNot(13, (int) strides[0], (int) strides[1]);
    Pads.write(p, pads, 4, 15, 14, 16);
    boolean bias = node.hasInput(2);
    p.setIfNot(5, bias ? 1 : 0, 0).set(6, (int) w.numElements());
    if (group != 1) {
      p.set(7, (int) group);
    }
    Int8Weights q = Int8Weights.of(node);
    float[] scales = null;
    if (q != null) {
      scales = group == 1 ? q.channelScales((int) wd[0]) : q.groupScales((int) group, (int) (wd[0] / group));
      if (scales == null) {
        Int8Weights.writtenInFloat(node, "ncnn has one weight scale per group and the channels of a group differ");
      }
    }
    if (scales != null) {
      l.int8Weight(q.weight());
    } else {
      l.taggedWeight(w.toFloatArray());
    }
    if (bias) {
      l.rawWeight(ctx.requireConstant(node, 2, "the bias").toFloatArray());
    }
    if (scales != null) {
      // ncnn2int8: Convolution 8=2 (per output channel), ConvolutionDepthWise 8=1 (per group)
      p.set(8, group == 1 ? 2 : 1);
      l.rawWeight(Int8Weights.inverse(scales));
      q.addInputScale(l);
    }
    Activations.fuse(node, l, ctx);
  }
}
