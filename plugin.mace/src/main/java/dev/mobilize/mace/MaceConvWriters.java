package dev.mobilize.mace;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import dev.mobilize.mace.proto.MaceNet.OperatorDef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Conv and ConvTranspose (plain or fused) as the ops MACE's CPU runtime executes, for every group:
 * <ul>
 *   <li>Conv: group 1 as Conv2D; depthwise (one input channel per group, any channel multiplier) as
 *       DepthwiseConv2d with filter [multiplier, C, kh, kw]; other groups as Split → Conv2D per group →
 *       Concat (MACE's Conv2D has no group).</li>
 *   <li>ConvTranspose: group 1 as Deconv2D with filter [M, C, kh, kw]; depthwise as DepthwiseDeconv2d
 *       (group C, filter [1, C, kh, kw]), a channel multiplier m first repeating each channel m times
 *       with a 1x1 DepthwiseConv2d of ones (MACE's depthwise deconv kernel reads one filter per channel);
 *       other groups as Split → Deconv2D per group → Concat (MACE's reference CPU build registers no
 *       grouped deconv kernel).</li>
 * </ul>
 * MACE's deconvolutions have no dilation and cut a total padding from the full output, total/2
 * (rounded down) before: a dilated kernel is written with its zeros, and where ONNX's pads and
 * output_padding cut otherwise, zero taps appended to (or put before) the kernel shift the full
 * output so that MACE's cut is ONNX's. Both are exact: the zero taps add nothing.
 */
final class MaceConvWriters {

  private MaceConvWriters() {}

  static void conv(Node n, ExportContext ctx) {
    Tensor onnxWeight = ctx.constant(n.input(1));
    if (onnxWeight == null || onnxWeight.rank() != 4) {
      throw new IllegalArgumentException("the weight must be a constant [M, C/g, kh, kw] tensor (2-D convolution)");
    }
    long group = n.attributes().getInt("group", 1);
    long[] onnxDilations = n.attributes().ints("dilations", new long[] {1, 1});
    long[] strides = n.attributes().ints("strides", new long[] {1, 1});
    // MACE checks "If dilations > 1, strides should be 1": then the dilation goes into the kernel as zeros
    boolean spread = (onnxDilations[0] > 1 && strides[0] > 1) || (onnxDilations[1] > 1 && strides[1] > 1);
    Tensor w = spread ? spread(onnxWeight, onnxDilations, new long[2], new long[2]) : onnxWeight;
    long[] dilations = spread ? new long[] {1, 1} : onnxDilations;
    long[] d = w.dims();
    float[] bias = bias(n, ctx);
    if (group == 1) {
      String filter = spread ? ctx.newWeight(n.input(1) + "_dilated", w) : ctx.weight(n.input(1), w);
      convOp("Conv2D", n, n.input(0), filter, bias == null ? null : ctx.weight(n.input(2), ctx.constant(n.input(2))), 1,
          d, dilations, n.output(0), n.name(), ctx);
    } else if (d[1] == 1) {
      // depthwise: MACE's filter is [multiplier, C, kh, kw], output channel c·m + j from filter [j, c]
      long m = d[0] / group;
      Tensor cm = Tensor.ofFloats(new long[] {group, m, d[2], d[3]}, w.toFloatArray());
      String filter = ctx.newFloatWeight(n.input(1) + "_dw", Formats.swapFirstAxes(cm));
      convOp("DepthwiseConv2d", n, n.input(0), filter, bias == null ? null : ctx.weight(n.input(2),
          ctx.constant(n.input(2))), group, d, dilations, n.output(0), n.name(), ctx);
    } else {
      perGroup(n, (int) group, d[1] * group, w, bias, ctx, (i, in, wi, bi, out) -> convOp("Conv2D", n, in,
          ctx.newWeight(n.input(1) + "_g" + i, wi), bi == null ? null : ctx.newWeight(n.input(2) + "_g" + i, bi), 1,
          d, dilations, out, n.name() + "_g" + i, ctx));
    }
  }

  private static void convOp(String type, Node n, String in, String filter, String bias, long group, long[] kernel,
      long[] dilations, String out, String name, ExportContext ctx) {
    OperatorDef.Builder b = ctx.op(type, name, true).addInput(in).addInput(filter);
    if (bias != null) {
      b.addInput(bias);
    }
    MaceWriters.windowArgs(n, b, new long[] {kernel[2], kernel[3]});
    b.addArg(ExportContext.intArg("group", group));
    b.addArg(ExportContext.intsArg("dilations", dilations));
    MaceWriters.withActivation(n, b, out, ctx);
  }

  /** The constant bias as floats, null when there is none. */
  private static float[] bias(Node n, ExportContext ctx) {
    if (!n.hasInput(2)) {
      return null;
    }
    Tensor bias = ctx.constant(n.input(2));
    if (bias == null) {
      throw new IllegalArgumentException("the bias must be constant");
    }
    return bias.toFloatArray();
  }

  @FunctionalInterface
  private interface GroupWriter {
    void write(int group, String input, Tensor weight, Tensor bias, String output);
  }

  /**
   * Split along the channels into {@code groups} equal parts, one op per part (weight rows and bias
   * of its group), Concat of the parts. The weight's first axis is split: ONNX's grouped Conv weight
   * is [M, C/g, kh, kw] (output channels first), ConvTranspose's [C, M/g, kh, kw] (input channels
   * first).
   */
  private static void perGroup(Node n, int groups, long channels, Tensor w, float[] bias, ExportContext ctx,
      GroupWriter writer) {
    long[] in = ctx.dims(n.input(0));
    long[] out = ctx.dims(n.output(0));
    if (in == null || out == null || in[1] != channels) {
      throw new IllegalArgumentException("a grouped convolution needs static shapes with " + channels
          + " input channels");
    }
    boolean auto = ctx.allFormatted(List.of(n.input(0)));
    OperatorDef.Builder split = ctx.op("Split", n.name() + "_split", auto).addInput(n.input(0))
        .addArg(ExportContext.intArg("axis", auto ? Formats.axisToNhwc(1) : 1));
    if (auto) {
      split.addArg(ExportContext.intArg("has_data_format", 1));
    }
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < groups; i++) {
      parts.add(ctx.fresh(n.output(0) + "_in" + i, new long[] {in[0], in[1] / groups, in[2], in[3]}));
    }
    ctx.add(split, auto, parts);
    long[] d = w.dims();
    int rows = (int) (d[0] / groups);
    int rowSize = (int) (d[1] * d[2] * d[3]);
    float[] src = w.toFloatArray();
    int outGroup = (int) (out[1] / groups);
    List<String> outs = new ArrayList<>();
    for (int i = 0; i < groups; i++) {
      Tensor wi = Tensor.ofFloats(new long[] {rows, d[1], d[2], d[3]},
          Arrays.copyOfRange(src, i * rows * rowSize, (i + 1) * rows * rowSize));
      Tensor bi = bias == null ? null
          : Tensor.ofFloats(new long[] {outGroup}, Arrays.copyOfRange(bias, i * outGroup, (i + 1) * outGroup));
      String o = ctx.fresh(n.output(0) + "_out" + i, new long[] {out[0], outGroup, out[2], out[3]});
      writer.write(i, parts.get(i), wi, bi, o);
      outs.add(o);
    }
    OperatorDef.Builder concat = ctx.op("Concat", n.name() + "_concat", true).addAllInput(outs)
        .addArg(ExportContext.intArg("axis", Formats.axisToNhwc(1)))
        .addArg(ExportContext.intArg("has_data_format", 1));
    ctx.add(concat, true, List.of(n.output(0)));
  }

  /**
   * ConvTranspose: the kernel with its dilation and the zero taps MACE's padding cut needs (see the
   * class comment), then by group as Deconv2D, DepthwiseDeconv2d or per-group Deconv2D.
   */
  static void deconv(Node n, ExportContext ctx) {
    Tensor w = ctx.constant(n.input(1));
    if (w == null || w.rank() != 4) {
      throw new IllegalArgumentException("the weight must be a constant [C, M/g, kh, kw] tensor (2-D transposed "
          + "convolution)");
    }
    Attributes a = n.attributes();
    if (a.has("output_shape")) {
      throw new IllegalArgumentException("output_shape is not expressible; give pads and output_padding instead");
    }
    String autoPad = a.getString("auto_pad", "NOTSET");
    long[] pads = switch (autoPad) {
      case "NOTSET" -> a.ints("pads", new long[] {0, 0, 0, 0});
      case "VALID" -> new long[] {0, 0, 0, 0};
      default -> throw new IllegalArgumentException("auto_pad " + autoPad + " is not expressible; give explicit pads");
    };
    long[] dil = a.ints("dilations", new long[] {1, 1});
    long[] outPad = a.ints("output_padding", new long[] {0, 0});
    Kernel kernel = Kernel.of(w, dil, pads, outPad);
    long group = a.getInt("group", 1);
    long[] d = kernel.weight.dims();
    float[] bias = bias(n, ctx);
    if (group == 1) {
      deconvOp("Deconv2D", ctx.newWeight(n.input(1) + "_oihw", Formats.swapFirstAxes(kernel.weight)), 1, n.input(0),
          bias == null ? null : ctx.weight(n.input(2), ctx.constant(n.input(2))), kernel, n, n.output(0), n.name(),
          ctx);
    } else if (group == d[0]) {
      depthwiseDeconv(n, kernel, bias, ctx);
    } else {
      perGroup(n, (int) group, d[0], kernel.weight, bias, ctx, (i, in, wi, bi, out) -> deconvOp("Deconv2D",
          ctx.newWeight(n.input(1) + "_g" + i + "_oihw", Formats.swapFirstAxes(wi)), 1, in,
          bi == null ? null : ctx.newWeight(n.input(2) + "_g" + i, bi), kernel, n, out, n.name() + "_g" + i, ctx));
    }
  }

  /**
   * Depthwise ConvTranspose (weight [C, m, kh, kw]): DepthwiseDeconv2d over C·m channels whose filter
   * [1, C·m, kh, kw] holds the weight's bytes as they are; with m > 1 a 1x1 DepthwiseConv2d of ones
   * with multiplier m first makes channel c·m + j a copy of input channel c.
   */
  private static void depthwiseDeconv(Node n, Kernel kernel, float[] bias, ExportContext ctx) {
    long[] d = kernel.weight.dims();
    long c = d[0];
    long m = d[1];
    String in = n.input(0);
    if (m > 1) {
      long[] id = ctx.dims(in);
      if (id == null) {
        throw new IllegalArgumentException("a depthwise transposed convolution with channel multiplier " + m
            + " needs a static input shape");
      }
      float[] ones = new float[(int) (c * m)];
      Arrays.fill(ones, 1f);
      String filter = ctx.newFloatWeight(n.input(1) + "_repeat", Tensor.ofFloats(new long[] {m, c, 1, 1}, ones));
      String repeated = ctx.fresh(in + "_x" + m, new long[] {id[0], c * m, id[2], id[3]});
      OperatorDef.Builder b = ctx.op("DepthwiseConv2d", n.name() + "_repeat", true).addInput(in).addInput(filter)
          .addArg(ExportContext.intsArg("strides", 1, 1)).addArg(ExportContext.intsArg("kernels", 1, 1))
          .addArg(ExportContext.intsArg("padding_values", 0, 0)).addArg(ExportContext.intArg("group", c))
          .addArg(ExportContext.intsArg("dilations", 1, 1));
      ctx.add(b, true, List.of(repeated));
      in = repeated;
    }
    Tensor filter = Tensor.ofFloats(new long[] {1, c * m, d[2], d[3]}, kernel.weight.toFloatArray());
    deconvOp("DepthwiseDeconv2d", ctx.newFloatWeight(n.input(1) + "_dw", filter), c * m, in,
        bias == null ? null : ctx.weight(n.input(2), ctx.constant(n.input(2))), kernel, n, n.output(0), n.name(), ctx);
  }

  private static void deconvOp(String type, String filter, long group, String in, String bias, Kernel kernel,
      Node n, String out, String name, ExportContext ctx) {
    long[] fd = kernel.weight.dims();
    OperatorDef.Builder b = ctx.op(type, name, true).addInput(in).addInput(filter);
    if (bias != null) {
      b.addInput(bias);
    }
    b.addArg(ExportContext.intsArg("strides", n.attributes().ints("strides", new long[] {1, 1})));
    b.addArg(ExportContext.intsArg("kernels", fd[2], fd[3]));
    b.addArg(ExportContext.intsArg("padding_values", kernel.total));
    b.addArg(ExportContext.intArg("group", group));
    b.addArg(ExportContext.intsArg("dilations", 1, 1));
    MaceWriters.withActivation(n, b, out, ctx);
  }

  /**
   * A ConvTranspose kernel as MACE runs it: ONNX layout [C, M/g, kh', kw'] without dilation, and
   * MACE's total padding per axis.
   */
  record Kernel(Tensor weight, long[] total) {

    /**
     * The dilated kernel (zeros between the taps) with zero taps added so that MACE's cut of the
     * full output, total/2 (rounded down) before, is ONNX's: ONNX cuts {@code before = pads[i]} and
     * {@code after = pads[i + 2] - output_padding[i]} (negative: zeros appended). With z trailing zero
     * taps the full output grows by z zeros at its end; with z leading ones every value moves z on.
     */
    static Kernel of(Tensor w, long[] dilations, long[] pads, long[] outPad) {
      long[] lead = new long[2];
      long[] trail = new long[2];
      long[] total = new long[2];
      for (int i = 0; i < 2; i++) {
        long before = pads[i];
        long after = pads[i + 2] - outPad[i];
        if (after < before) {
          trail[i] = before - after;       // cut before, after + trail = before
          total[i] = 2 * before;
        } else if (after > before + 1) {
          lead[i] = after - before - 1;    // cut before + lead, after = before + lead + 1
          total[i] = before + lead[i] + after;
        } else {
          total[i] = before + after;
        }
      }
      return new Kernel(spread(w, dilations, lead, trail), total);
    }
  }

  /**
   * The kernel [A, B, kh, kw] with its dilation written out as zeros between the taps, and
   * {@code lead}/{@code trail} zero taps before/after per spatial axis; {@code w} itself if that
   * changes nothing.
   */
  static Tensor spread(Tensor w, long[] dilations, long[] lead, long[] trail) {
    long[] d = w.dims();
    long kh = (d[2] - 1) * dilations[0] + 1 + lead[0] + trail[0];
    long kw = (d[3] - 1) * dilations[1] + 1 + lead[1] + trail[1];
    if (kh == d[2] && kw == d[3]) {
      return w;
    }
    float[] src = w.toFloatArray();
    int planes = (int) (d[0] * d[1]);
    float[] dst = new float[(int) (planes * kh * kw)];
    for (int p = 0; p < planes; p++) {
      for (int y = 0; y < d[2]; y++) {
        for (int x = 0; x < d[3]; x++) {
          long ty = lead[0] + y * dilations[0];
          long tx = lead[1] + x * dilations[1];
          dst[(int) ((p * kh + ty) * kw + tx)] = src[(int) ((p * d[2] + y) * d[3] + x)];
        }
      }
    }
    return Tensor.ofFloats(new long[] {d[0], d[1], kh, kw}, dst);
  }
}
