package dev.mobilize.tnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * TNN's int8 layers read back as the QDQ form of docs/QUANTIZATION.md, so the runtime runs them
 * with int8 arithmetic: QuantizedConvolution becomes {@code DQ(Q(x)) → Conv(DQ(W_q), DQ(B_q)) [→ act]
 * → Q → DQ} with the blob scales of its input and output.
 */
final class Int8Readers {

  private Int8Readers() {}

  /** The Convolution parameters; resource: int8 filter, int32 bias, zero points, scales W_scale·x_scale. */
  static void quantizedConvolution(TnnNet.Layer l, TnnResource r, ImportContext ctx) {
    String x = l.inputs.get(0);
    String y = l.outputs.get(0);
    Float xScale = ctx.blobScales.get(x);
    Float yScale = ctx.blobScales.get(y);
    if (xScale == null || yScale == null) {
      throw new IllegalArgumentException("the BlobScale of its input '" + x + "' or output '" + y + "' is missing");
    }
    if (l.intParam(10, -1) != -1) {
      throw new IllegalArgumentException("pad_type " + l.intParam(10, -1) + " is not read; only -1 (explicit pads)");
    }
    int group = l.intParam(0, 1);
    int ic = l.intParam(1, 0);
    int oc = l.intParam(2, 0);
    int kh = l.intParam(3, 0);
    int kw = l.intParam(4, 0);
    RawBuffer w = r.buffer(0);
    RawBuffer scale = r.buffer(3);
    if (w.dataType() != RawBuffer.INT8) {
      throw new IllegalArgumentException("the filter has data type " + w.dataType() + ", expected 2 (int8)");
    }
    for (byte z : r.buffer(2).bytes()) {
      if (z != 0) {
        throw new IllegalArgumentException("weight zero points other than 0 are not read");
      }
    }
    float[] s = scale.floats();
    float[] wScale = new float[oc];
    float[] bScale = new float[oc];
    for (int c = 0; c < oc; c++) {
      bScale[c] = s.length == 1 ? s[0] : s[c];
      wScale[c] = bScale[c] / xScale;
    }
    Attributes axis0 = Attributes.builder().set("axis", 0L).build();
    String xq = ctx.temp("input_quantized");
    String xdq = ctx.temp("input_dequantized");
    String xs = ctx.constant("input_scale", Tensor.scalar(xScale));
    String xz = ctx.constant("input_zero_point", Tensor.of(DataType.INT8, new long[0], new byte[1]));
    ctx.node("QuantizeLinear", List.of(x, xs, xz), List.of(xq), Attributes.EMPTY);
    ctx.node("DequantizeLinear", List.of(xq, xs, xz), List.of(xdq), Attributes.EMPTY);
    String wdq = ctx.temp("weight_dequantized");
    ctx.node("DequantizeLinear", List.of(ctx.constant("weight_quantized", Tensor.of(DataType.INT8,
        new long[] {oc, ic / group, kh, kw}, w.bytes())), ctx.constant("weight_scale", Tensor.ofFloats(
        new long[] {oc}, wScale)), ctx.constant("weight_zero_point", Tensor.of(DataType.INT8, new long[] {oc},
        new byte[oc]))), List.of(wdq), axis0);
    List<String> ins = new ArrayList<>(List.of(xdq, wdq));
    if (l.intParam(9, 0) != 0 && !r.buffer(1).isEmpty()) {
      String bdq = ctx.temp("bias_dequantized");
      ctx.node("DequantizeLinear", List.of(ctx.constant("bias_quantized", Tensor.of(DataType.INT32, new long[] {oc},
          r.buffer(1).bytes())), ctx.constant("bias_scale", Tensor.ofFloats(new long[] {oc}, bScale)),
          ctx.constant("bias_zero_point", Tensor.ofInts(new long[] {oc}, new int[oc]))), List.of(bdq), axis0);
      ins.add(bdq);
    }
    Attributes attrs = Attributes.builder().set("group", (long) group).ints("kernel_shape", kh, kw)
        .ints("strides", l.intParam(5, 1), l.intParam(6, 1))
        .ints("pads", l.intParam(7, 0), l.intParam(8, 0), l.intParam(7, 0), l.intParam(8, 0))
        .ints("dilations", l.intParam(11, 1), l.intParam(12, 1)).build();
    String conv = ctx.temp("conv");
    ctx.node("Conv", ins, List.of(conv), attrs);
    String act = conv;
    switch (l.intParam(13, 0)) {
      case 0 -> { }
      case 1 -> {
        act = ctx.temp("relu");
        ctx.node("Relu", List.of(conv), List.of(act), Attributes.EMPTY);
      }
      case 2 -> {
        act = ctx.temp("relu6");
        ctx.node("Clip", List.of(conv, ctx.constant("min", Tensor.scalar(0f)), ctx.constant("max", Tensor.scalar(6f))),
            List.of(act), Attributes.EMPTY);
      }
      default -> throw new IllegalArgumentException("activation_type " + l.intParam(13, 0) + " is not one of 0, 1, 2");
    }
    String yq = ctx.temp("output_quantized");
    String ys = ctx.constant("output_scale", Tensor.scalar(yScale));
    String yz = ctx.constant("output_zero_point", Tensor.of(DataType.INT8, new long[0], new byte[1]));
    ctx.node("QuantizeLinear", List.of(act, ys, yz), List.of(yq), Attributes.EMPTY);
    ctx.node("DequantizeLinear", List.of(yq, ys, yz), List.of(y), Attributes.EMPTY);
  }
}
