package dev.mobilize.tnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * TNN's int8 layers read back as the QDQ form of docs/QUANTIZATION.md, so the runtime runs them
 * with int8 arithmetic: QuantizedConvolution becomes {@code DQ(Q(x)) → Conv(DQ(W_q), DQ(B_q)) [→ act]
 * → Q → DQ} with the blob scales of its input and output, QuantizedInnerProduct likewise with a Gemm,
 * and the weightless int8 layers (QuantizedPooling, QuantizedAdd, QuantizedConcat, QuantizedReLU)
 * their float layer between {@code DQ(Q(·))} of each input and {@code Q → DQ} of the output: what
 * TNN computes, up to its rounding of ties (half away from zero) and its truncating int8 average pooling.
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
    if (ctx.fusedIntoAdd.contains(y)) {
      // TNN adds the float result to the other input and quantizes once, with the Add's scale
      ctx.node("Identity", List.of(act), List.of(y), Attributes.EMPTY);
      return;
    }
    String yq = ctx.temp("output_quantized");
    String ys = ctx.constant("output_scale", Tensor.scalar(yScale));
    String yz = ctx.constant("output_zero_point", Tensor.of(DataType.INT8, new long[0], new byte[1]));
    ctx.node("QuantizeLinear", List.of(act, ys, yz), List.of(yq), Attributes.EMPTY);
    ctx.node("DequantizeLinear", List.of(yq, ys, yz), List.of(y), Attributes.EMPTY);
  }

  /**
   * The outputs of QuantizedConvolutions that TNN fuses into the QuantizedAdd right after them
   * (net_optimizer_fuse_conv_add on ARM, x86 and NAIVE): a 1×1, stride 1, unpadded, ungrouped int8
   * convolution whose output only that Add reads. TNN never quantizes that output: it adds the
   * convolution's float result to the other (dequantized) input and quantizes the sum once.
   */
  static java.util.Set<String> fusedIntoAdd(TnnNet net) {
    java.util.Set<String> fused = new java.util.HashSet<>();
    List<TnnNet.Layer> layers = net.layers;
    for (int i = 1; i < layers.size(); i++) {
      TnnNet.Layer conv = layers.get(i - 1);
      TnnNet.Layer add = layers.get(i);
      if (!conv.type.equals("QuantizedConvolution") || !add.type.equals("QuantizedAdd") || conv.intParam(0, 1) != 1
          || conv.intParam(3, 0) != 1 || conv.intParam(4, 0) != 1 || conv.intParam(5, 1) != 1
          || conv.intParam(6, 1) != 1 || conv.intParam(7, 0) != 0 || conv.intParam(8, 0) != 0) {
        continue;
      }
      String y = conv.outputs.get(0);
      boolean readLater = net.outputs.contains(y)
          || layers.subList(i + 1, layers.size()).stream().anyMatch(l -> l.inputs.contains(y));
      if (add.inputs.contains(y) && !readLater) {
        fused.add(y);
      }
    }
    return fused;
  }

  /** A weightless int8 layer: the reader of its float layer type between Q/DQ pairs with the blob scales. */
  static TnnLayerReader quantized(String floatType) {
    return (l, r, ctx) -> {
      List<String> ins = new ArrayList<>();
      for (String x : l.inputs) {
        ins.add(dequantizedInput(x, ctx));
      }
      List<String> outs = new ArrayList<>();
      for (String y : l.outputs) {
        outs.add(ctx.temp("float"));
      }
      TnnNet.Layer inner = new TnnNet.Layer(floatType, l.name, ins, outs, l.params);
      TnnReaders.TABLE.get(floatType).read(inner, r, ctx);
      for (int i = 0; i < outs.size(); i++) {
        quantizedOutput(outs.get(i), l.outputs.get(i), ctx);
      }
    };
  }

  /** num_output has_bias transpose axis; resource: int8 weight [N,K], int32 bias, zero points, scales W_scale·x_scale. */
  static void quantizedInnerProduct(TnnNet.Layer l, TnnResource r, ImportContext ctx) {
    int n = l.intParam(0, 0);
    int axis = l.intParam(3, 1);
    if (l.intParam(2, 0) != 0) {
      throw new IllegalArgumentException("transpose=1 is not read");
    }
    RawBuffer w = r.buffer(0);
    if (w.dataType() != RawBuffer.INT8) {
      throw new IllegalArgumentException("the weight has data type " + w.dataType() + ", expected 2 (int8)");
    }
    for (byte z : r.buffer(2).bytes()) {
      if (z != 0) {
        throw new IllegalArgumentException("weight zero points other than 0 are not read");
      }
    }
    String x = l.inputs.get(0);
    Float xScale = scale(x, ctx);
    int k = w.count() / n;
    float[] s = r.buffer(3).floats();
    float[] wScale = new float[n];
    float[] bScale = new float[n];
    for (int c = 0; c < n; c++) {
      bScale[c] = s.length == 1 ? s[0] : s[c];
      wScale[c] = bScale[c] / xScale;
    }
    Attributes axis0 = Attributes.builder().set("axis", 0L).build();
    String flat = ctx.temp("flat");
    ctx.node("Flatten", List.of(dequantizedInput(x, ctx)), List.of(flat),
        Attributes.builder().set("axis", (long) axis).build());
    String wdq = ctx.temp("weight_dequantized");
    ctx.node("DequantizeLinear", List.of(ctx.constant("weight_quantized", Tensor.of(DataType.INT8, new long[] {n, k},
        w.bytes())), ctx.constant("weight_scale", Tensor.ofFloats(new long[] {n}, wScale)),
        ctx.constant("weight_zero_point", Tensor.of(DataType.INT8, new long[] {n}, new byte[n]))), List.of(wdq), axis0);
    List<String> ins = new ArrayList<>(List.of(flat, wdq));
    if (l.intParam(1, 0) != 0 && !r.buffer(1).isEmpty()) {
      String bdq = ctx.temp("bias_dequantized");
      ctx.node("DequantizeLinear", List.of(ctx.constant("bias_quantized", Tensor.of(DataType.INT32, new long[] {n},
          r.buffer(1).bytes())), ctx.constant("bias_scale", Tensor.ofFloats(new long[] {n}, bScale)),
          ctx.constant("bias_zero_point", Tensor.ofInts(new long[] {n}, new int[n]))), List.of(bdq), axis0);
      ins.add(bdq);
    }
    String fc = ctx.temp("fc");
    ctx.node("Gemm", ins, List.of(fc), Attributes.builder().set("transB", 1L).build());
    quantizedOutput(fc, l.outputs.get(0), ctx);
  }

  private static Float scale(String blob, ImportContext ctx) {
    Float s = ctx.blobScales.get(blob);
    if (s == null) {
      throw new IllegalArgumentException("the BlobScale of blob '" + blob + "' is missing");
    }
    return s;
  }

  /** {@code DQ(Q(x))} with x's blob scale; its name (x itself for a float result fused into an Add). */
  private static String dequantizedInput(String x, ImportContext ctx) {
    if (ctx.fusedIntoAdd.contains(x)) {
      return x;
    }
    String s = ctx.constant("input_scale", Tensor.scalar(scale(x, ctx)));
    String z = ctx.constant("input_zero_point", Tensor.of(DataType.INT8, new long[0], new byte[1]));
    String q = ctx.temp("input_quantized");
    String dq = ctx.temp("input_dequantized");
    ctx.node("QuantizeLinear", List.of(x, s, z), List.of(q), Attributes.EMPTY);
    ctx.node("DequantizeLinear", List.of(q, s, z), List.of(dq), Attributes.EMPTY);
    return dq;
  }

  /** {@code y = DQ(Q(value))} with y's blob scale. */
  private static void quantizedOutput(String value, String y, ImportContext ctx) {
    String s = ctx.constant("output_scale", Tensor.scalar(scale(y, ctx)));
    String z = ctx.constant("output_zero_point", Tensor.of(DataType.INT8, new long[0], new byte[1]));
    String q = ctx.temp("output_quantized");
    ctx.node("QuantizeLinear", List.of(value, s, z), List.of(q), Attributes.EMPTY);
    ctx.node("DequantizeLinear", List.of(q, s, z), List.of(y), Attributes.EMPTY);
  }
}
