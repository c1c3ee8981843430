package dev.mobilize.tnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.FusedOps;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Layer writers beyond the shared models' ops: Resize (Upsample), Pad (PadV2), ConvTranspose
 * (Deconvolution), InstanceNormalization (InstBatchNormCxx), LayerNormalization (LayerNorm), the
 * Reduce ops, Gather, Squeeze and Unsqueeze. Parameter orders follow TNN's layer_interpreter/*.cc.
 */
final class StructureWriters {

  private StructureWriters() {}

  /**
   * Upsample: mode scale_h scale_w align_corners out_h out_w. TNN's nearest (mode 1) reads
   * floor(dst · in/out): ONNX asymmetric + floor. Its bilinear (mode 2) is align_corners or
   * half_pixel (pytorch_half_pixel is the same for outputs larger than 1).
   */
  static void resize(Node n, ExportContext ctx) {
    Attributes a = n.attributes();
    long[] in = ctx.dims(n.input(0));
    long[] out = ctx.dims(n.output(0));
    if (in.length != 4 || in[0] != out[0] || in[1] != out[1]) {
      throw new IllegalArgumentException("only Resize of H and W of a rank-4 value is written (TNN Upsample); "
          + "found " + Arrays.toString(in) + " -> " + Arrays.toString(out));
    }
    String mode = a.getString("mode", "nearest");
    String coord = a.getString("coordinate_transformation_mode", "half_pixel");
    int tnnMode;
    int alignCorners = 0;
    if (mode.equals("nearest")) {
      if (!coord.equals("asymmetric") || !a.getString("nearest_mode", "round_prefer_floor").equals("floor")) {
        throw new IllegalArgumentException("nearest Resize with coordinate_transformation_mode " + coord
            + " and nearest_mode " + a.getString("nearest_mode", "round_prefer_floor") + " is not written; TNN's "
            + "nearest Upsample is asymmetric with floor (as PyTorch exports it)");
      }
      tnnMode = 1;
    } else if (mode.equals("linear")) {
      if (coord.equals("align_corners")) {
        alignCorners = 1;
      } else if (!coord.equals("half_pixel") && !(coord.equals("pytorch_half_pixel") && out[2] > 1 && out[3] > 1)) {
        throw new IllegalArgumentException("linear Resize with coordinate_transformation_mode " + coord
            + " is not written; TNN's bilinear Upsample is half_pixel or align_corners");
      }
      tnnMode = 2;
    } else {
      throw new IllegalArgumentException("Resize mode " + mode + " is not written; TNN Upsample is written for "
          + "nearest and linear");
    }
    float sh = (float) out[2] / in[2];
    float sw = (float) out[3] / in[3];
    ctx.layer("Upsample", n, List.of(n.input(0)), List.of(n.output(0)),
        ExportContext.params(tnnMode, sh, sw, alignCorners, out[2], out[3]));
  }

  /** PadV2: rank pads... (ONNX order: begins, then ends) type value; type 0 constant, 1 reflect. */
  static void pad(Node n, ExportContext ctx) {
    String mode = n.attributes().getString("mode", "constant");
    int type = switch (mode) {
      case "constant" -> 0;
      case "reflect" -> 1;
      default -> throw new IllegalArgumentException("Pad mode " + mode + " is not written; TNN's CPU PadV2 "
          + "pads constant and reflect");
    };
    long[] pads = n.hasInput(1) ? ctx.requireConstant(n, 1, "pads").toLongArray() : n.attributes().ints("pads");
    int rank = ctx.dims(n.input(0)).length;
    if (n.hasInput(3)) {
      long[] axes = ctx.requireConstant(n, 3, "axes").toLongArray();
      long[] full = new long[2 * rank];
      for (int i = 0; i < axes.length; i++) {
        int ax = (int) (axes[i] < 0 ? axes[i] + rank : axes[i]);
        full[ax] = pads[i];
        full[rank + ax] = pads[axes.length + i];
      }
      pads = full;
    }
    float value = 0f;
    if (n.hasInput(2)) {
      value = ctx.requireConstant(n, 2, "constant_value").toFloatArray()[0];
    }
    List<String> p = new ArrayList<>(ExportContext.params(pads.length / 2));
    for (long v : pads) {
      p.add(String.valueOf(v));
    }
    p.addAll(ExportContext.params(type, value));
    ctx.layer("PadV2", n, List.of(n.input(0)), List.of(n.output(0)), p);
  }

  /**
   * Deconvolution: the Convolution parameters (group ic oc kh kw sh sw pad_h pad_w bias pad_type
   * dil_h dil_w activation_type) with the weight in ONNX's layout [Cin, Cout/group, kh, kw].
   */
  static void convTranspose(Node n, ExportContext ctx) {
    Attributes a = n.attributes();
    if (!a.getString("auto_pad", "NOTSET").equals("NOTSET") || a.has("output_shape")) {
      throw new IllegalArgumentException("auto_pad and output_shape are not written; use explicit pads");
    }
    if (Arrays.stream(a.ints("output_padding", new long[] {0, 0})).anyMatch(x -> x != 0)) {
      throw new IllegalArgumentException("output_padding " + Arrays.toString(a.ints("output_padding"))
          + " is not written; TNN Deconvolution has none");
    }
    Tensor w = ctx.requireConstant(n, 1, "the weight");
    long[] wd = w.dims();
    if (wd.length != 4) {
      throw new IllegalArgumentException("TNN Deconvolution is 2-D; the weight has rank " + wd.length);
    }
    long[] pads = a.ints("pads", new long[] {0, 0, 0, 0});
    if (pads[0] != pads[2] || pads[1] != pads[3]) {
      throw new IllegalArgumentException("pads " + Arrays.toString(pads) + " are asymmetric; TNN pads both sides "
          + "alike");
    }
    long[] s = a.ints("strides", new long[] {1, 1});
    long[] d = a.ints("dilations", new long[] {1, 1});
    long group = a.getInt("group", 1);
    String act = a.getString(FusedOps.ACTIVATION, "");
    float[] ap = a.floats(FusedOps.ACTIVATION_PARAMS, new float[0]);
    int actType = act.isEmpty() ? 0 : act.equals("Relu") ? 1
        : act.equals("Clip") && ap.length == 2 && ap[0] == 0f && ap[1] == 6f ? 2 : -1;
    boolean bias = n.hasInput(2);
    String out = n.output(0);
    String convOut = actType >= 0 ? out : ctx.fresh(out + "_deconv");
    TnnNet.Layer l = ctx.layer("Deconvolution", n, List.of(n.input(0)), List.of(convOut),
        ExportContext.params(group, wd[0], wd[1] * group, wd[2], wd[3], s[0], s[1], pads[0], pads[1], bias ? 1 : 0,
            -1, d[0], d[1], Math.max(actType, 0)));
    List<RawBuffer> res = new ArrayList<>(List.of(RawBuffer.of(w)));
    if (bias) {
      res.add(RawBuffer.of(ctx.requireConstant(n, 2, "the bias")));
    }
    ctx.resource(l, res);
    if (actType < 0) {
      TnnWriters.activation(n, act, ap, convOut, out, ctx);
    }
  }

  /** InstBatchNormCxx: channels eps; resource scale, bias. */
  static void instanceNorm(Node n, ExportContext ctx) {
    float[] scale = ctx.requireConstant(n, 1, "scale").toFloatArray();
    float[] bias = ctx.requireConstant(n, 2, "B").toFloatArray();
    TnnNet.Layer l = ctx.layer("InstBatchNormCxx", n, List.of(n.input(0)), List.of(n.output(0)),
        ExportContext.params(scale.length, n.attributes().getFloat("epsilon", 1e-5f)));
    ctx.resource(l, List.of(RawBuffer.floats(new int[] {scale.length}, scale),
        RawBuffer.floats(new int[] {bias.length}, bias)));
  }

  /**
   * LayerNorm: reduce_dims_size eps; inputs x, scale, bias, where scale and bias are constant blobs
   * (the constant map) of the normalized dims.
   */
  static void layerNorm(Node n, ExportContext ctx) {
    long[] in = ctx.dims(n.input(0));
    long axis = n.attributes().getInt("axis", -1);
    int first = (int) (axis < 0 ? axis + in.length : axis);
    if (n.outputs().size() > 1 && n.outputs().stream().skip(1).anyMatch(o -> !o.isEmpty())) {
      throw new IllegalArgumentException("the mean and inverse standard deviation outputs are not written");
    }
    int[] normDims = new int[in.length - first];
    int count = 1;
    for (int i = first; i < in.length; i++) {
      normDims[i - first] = (int) in[i];
      count *= (int) in[i];
    }
    float[] scale = ctx.requireConstant(n, 1, "Scale").toFloatArray();
    float[] bias = n.hasInput(2) ? ctx.requireConstant(n, 2, "B").toFloatArray() : new float[scale.length];
    String s = ctx.fresh(n.output(0) + "_scale");
    String b = ctx.fresh(n.output(0) + "_bias");
    ctx.net.constants.put(s, RawBuffer.floats(normDims, broadcast(scale, count)));
    ctx.net.constants.put(b, RawBuffer.floats(normDims, broadcast(bias, count)));
    ctx.layer("LayerNorm", n, List.of(n.input(0), s, b), List.of(n.output(0)),
        ExportContext.params(normDims.length, n.attributes().getFloat("epsilon", 1e-5f)));
  }

  private static float[] broadcast(float[] v, int count) {
    if (v.length == count) {
      return v;
    }
    if (v.length != 1) {
      throw new IllegalArgumentException("Scale/B have " + v.length + " values; expected 1 or " + count);
    }
    float[] f = new float[count];
    Arrays.fill(f, v[0]);
    return f;
  }

  /** ReduceX: keep_dims axes... (no axes: all). */
  static TnnLayerWriter reduce(String type) {
    return (n, ctx) -> {
      int rank = ctx.dims(n.input(0)).length;
      long[] axes = n.hasInput(1) ? ctx.requireConstant(n, 1, "axes").toLongArray() : n.attributes().ints("axes", null);
      if ((axes == null || axes.length == 0) && n.attributes().getInt("noop_with_empty_axes", 0) != 0) {
        throw new IllegalArgumentException("noop_with_empty_axes=1 without axes is not written");
      }
      List<String> p = new ArrayList<>(ExportContext.params(n.attributes().getInt("keepdims", 1)));
      if (axes == null || axes.length == 0) {
        axes = new long[rank];
        Arrays.setAll(axes, i -> i);
      }
      for (long x : axes) {
        p.add(String.valueOf(x < 0 ? x + rank : x));
      }
      ctx.layer(type, n, List.of(n.input(0)), List.of(n.output(0)), p);
    };
  }

  /**
   * Gather: axis data_in_resource indices_in_resource; resource: flag, [data], flag, [indices as
   * int32]. Constant indices (not scalars) of a blob, or a constant table indexed by a blob.
   */
  static void gather(Node n, ExportContext ctx) {
    boolean constData = ctx.constant(n.input(0)).isPresent();
    boolean constIndices = ctx.constant(n.input(1)).isPresent();
    long[] dataDims = ctx.dims(n.input(0));
    int axis = (int) n.attributes().getInt("axis", 0);
    axis = axis < 0 ? axis + dataDims.length : axis;
    if (constData == constIndices) {
      throw new IllegalArgumentException("exactly one of data and indices must be a constant for TNN Gather");
    }
    List<RawBuffer> res = new ArrayList<>();
    if (constData) {
      res.add(RawBuffer.of(ctx.constant(n.input(0)).orElseThrow()));
      res.add(RawBuffer.EMPTY);
    } else {
      Tensor t = ctx.constant(n.input(1)).orElseThrow();
      if (t.dims().length == 0) {
        throw new IllegalArgumentException("scalar indices are not written (TNN Gather keeps their axis); "
            + "use indices of rank 1 and a Squeeze");
      }
      long[] idx = t.toLongArray();
      int[] v = new int[idx.length];
      for (int i = 0; i < v.length; i++) {
        v[i] = Math.toIntExact(idx[i] < 0 ? idx[i] + dataDims[axis] : idx[i]);
      }
      int[] dims = Arrays.stream(t.dims()).mapToInt(Math::toIntExact).toArray();
      res.add(RawBuffer.EMPTY);
      res.add(RawBuffer.ints(dims, v));
    }
    String blob = constData ? n.input(1) : n.input(0);
    TnnNet.Layer l = ctx.layer("Gather", n, List.of(blob), List.of(n.output(0)),
        ExportContext.params(axis, constData ? 1 : 0, constIndices ? 1 : 0));
    ctx.resource(l, res);
  }

  /** Squeeze and Unsqueeze: count axes... */
  static TnnLayerWriter axes(String type) {
    return (n, ctx) -> {
      int rank = type.equals("Squeeze") ? ctx.dims(n.input(0)).length : ctx.dims(n.output(0)).length;
      long[] axes = n.hasInput(1) ? ctx.requireConstant(n, 1, "axes").toLongArray() : n.attributes().ints("axes", null);
      if (axes == null) {
        long[] in = ctx.dims(n.input(0));
        axes = java.util.stream.IntStream.range(0, in.length).filter(i -> in[i] == 1).mapToLong(i -> i).toArray();
      }
      List<String> p = new ArrayList<>(ExportContext.params(axes.length));
      for (long x : axes) {
        p.add(String.valueOf(x < 0 ? x + rank : x));
      }
      ctx.layer(type, n, List.of(n.input(0)), List.of(n.output(0)), p);
    };
  }
}
