package dev.mobilize.tnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Layer readers of the layers beyond the shared models' ops (the twins of {@link StructureWriters}
 * and {@link ActivationWriters}), mapping them to ONNX-semantics nodes (opset 17).
 */
final class StructureReaders {

  private StructureReaders() {}

  /** mode scale_h scale_w align_corners [out_h out_w]: Resize with sizes (or scales when none are given). */
  static void upsample(TnnNet.Layer l, TnnResource r, ImportContext ctx) {
    int mode = l.intParam(0, 1);
    float sh = l.floatParam(1, 1f);
    float sw = l.floatParam(2, 1f);
    int align = l.intParam(3, 0);
    Attributes.Builder a = Attributes.builder();
    switch (mode) {
      case 1 -> a.set("mode", "nearest").set("coordinate_transformation_mode", "asymmetric")
          .set("nearest_mode", "floor");
      case 2 -> a.set("mode", "linear").set("coordinate_transformation_mode", align != 0 ? "align_corners"
          : "half_pixel");
      default -> throw new IllegalArgumentException("Upsample mode " + mode + " is not read; only 1 (nearest) and "
          + "2 (bilinear)");
    }
    List<String> ins = new ArrayList<>(List.of(l.inputs.get(0), ""));
    if (l.params.size() >= 6 && l.intParam(4, 0) > 0 && l.intParam(5, 0) > 0) {
      // sizes = shape(x)[0:2] ++ [out_h, out_w]
      String shape = ctx.temp("shape");
      String nc = ctx.temp("nc");
      String sizes = ctx.temp("sizes");
      ctx.node("Shape", List.of(l.inputs.get(0)), List.of(shape), Attributes.EMPTY);
      ctx.node("Slice", List.of(shape, ctx.constant("start", ImportContext.ints64(0)),
          ctx.constant("end", ImportContext.ints64(2))), List.of(nc), Attributes.EMPTY);
      ctx.node("Concat", List.of(nc, ctx.constant("sizes_hw", ImportContext.ints64(l.intParam(4, 0),
          l.intParam(5, 0)))), List.of(sizes), Attributes.builder().set("axis", 0L).build());
      ins.add("");
      ins.add(sizes);
    } else {
      ins.add(ctx.constant("scales", Tensor.ofFloats(new long[] {4}, 1f, 1f, sh, sw)));
    }
    ctx.node("Resize", ins, List.of(l.outputs.get(0)), a.build());
  }

  /** rank pads... type value: Pad (0 constant, 1 reflect, 2 edge). */
  static void padV2(TnnNet.Layer l, TnnResource r, ImportContext ctx) {
    int rank = l.intParam(0, 0);
    long[] pads = new long[2 * rank];
    for (int i = 0; i < pads.length; i++) {
      pads[i] = l.intParam(1 + i, 0);
    }
    int type = l.intParam(1 + 2 * rank, 0);
    String mode = switch (type) {
      case 0 -> "constant";
      case 1 -> "reflect";
      case 2 -> "edge";
      default -> throw new IllegalArgumentException("pad type " + type + " is not one of 0, 1, 2");
    };
    float value = l.floatParam(2 + 2 * rank, 0f);
    ctx.node("Pad", List.of(l.inputs.get(0), ctx.constant("pads", ImportContext.ints64(pads)),
        ctx.constant("value", Tensor.scalar(value))), List.of(l.outputs.get(0)),
        Attributes.builder().set("mode", mode).build());
  }

  /** The Convolution parameters; weight [ic, oc/group, kh, kw]: ConvTranspose. */
  static void deconvolution(TnnNet.Layer l, TnnResource r, ImportContext ctx) {
    int group = l.intParam(0, 1);
    int ic = l.intParam(1, 0);
    int oc = l.intParam(2, 0);
    int kh = l.intParam(3, 0);
    int kw = l.intParam(4, 0);
    if (l.intParam(10, -1) != -1) {
      throw new IllegalArgumentException("pad_type " + l.intParam(10, -1) + " is not read; only -1 (explicit pads)");
    }
    int act = l.intParam(13, 0);
    if (r == null) {
      throw new IllegalArgumentException("has no resource (weights) in the .tnnmodel");
    }
    RawBuffer w = r.buffer(0);
    List<String> ins = new ArrayList<>(List.of(l.inputs.get(0),
        ctx.constant("weight", w.toTensor(new long[] {ic, oc / group, kh, kw}))));
    if (l.intParam(9, 0) != 0 && !r.buffer(1).isEmpty()) {
      ins.add(ctx.constant("bias", r.buffer(1).toTensor(new long[] {r.buffer(1).count()})));
    }
    Attributes attrs = Attributes.builder().set("group", (long) group).ints("kernel_shape", kh, kw)
        .ints("strides", l.intParam(5, 1), l.intParam(6, 1))
        .ints("pads", l.intParam(7, 0), l.intParam(8, 0), l.intParam(7, 0), l.intParam(8, 0))
        .ints("dilations", l.intParam(11, 1), l.intParam(12, 1)).build();
    String out = l.outputs.get(0);
    if (act == 0) {
      ctx.node("ConvTranspose", ins, List.of(out), attrs);
      return;
    }
    String t = ctx.temp("deconv");
    ctx.node("ConvTranspose", ins, List.of(t), attrs);
    switch (act) {
      case 1 -> ctx.node("Relu", List.of(t), List.of(out), Attributes.EMPTY);
      case 2 -> ctx.node("Clip", List.of(t, ctx.constant("min", Tensor.scalar(0f)), ctx.constant("max",
          Tensor.scalar(6f))), List.of(out), Attributes.EMPTY);
      default -> throw new IllegalArgumentException("activation_type " + act + " is not one of 0, 1, 2");
    }
  }

  /** channels eps; resource scale, bias: InstanceNormalization. */
  static void instanceNorm(TnnNet.Layer l, TnnResource r, ImportContext ctx) {
    RawBuffer scale = r.buffer(0);
    RawBuffer bias = r.buffer(1).isEmpty() ? RawBuffer.floats(new int[] {scale.count()}, new float[scale.count()])
        : r.buffer(1);
    ctx.node("InstanceNormalization", List.of(l.inputs.get(0),
        ctx.constant("scale", scale.toTensor(new long[] {scale.count()})),
        ctx.constant("bias", bias.toTensor(new long[] {bias.count()}))), List.of(l.outputs.get(0)),
        Attributes.builder().set("epsilon", l.floatParam(1, 1e-5f)).build());
  }

  /** reduce_dims_size eps; inputs x, scale, bias: LayerNormalization over the last dims. */
  static void layerNorm(TnnNet.Layer l, TnnResource r, ImportContext ctx) {
    if (l.inputs.size() != 3) {
      throw new IllegalArgumentException("has " + l.inputs.size() + " inputs; expected x, scale and bias");
    }
    ctx.node("LayerNormalization", l.inputs, List.of(l.outputs.get(0)), Attributes.builder()
        .set("axis", (long) -l.intParam(0, 1)).set("epsilon", l.floatParam(1, 1e-5f)).build());
  }

  /** keep_dims axes...: ReduceX (ReduceSum takes its axes as an input in opset 13+). */
  static TnnLayerReader reduce(String op) {
    return (l, r, ctx) -> {
      long[] axes = new long[l.params.size() - 1];
      for (int i = 0; i < axes.length; i++) {
        axes[i] = l.intParam(1 + i, 0);
      }
      Attributes.Builder a = Attributes.builder().set("keepdims", (long) l.intParam(0, 1));
      List<String> ins = new ArrayList<>(List.of(l.inputs.get(0)));
      if (op.equals("ReduceSum")) {
        ins.add(ctx.constant("axes", ImportContext.ints64(axes)));
      } else {
        a.ints("axes", axes);
      }
      ctx.node(op, ins, List.of(l.outputs.get(0)), a.build());
    };
  }

  /** axis data_in_resource indices_in_resource: Gather with the constant operand from the resource. */
  static void gather(TnnNet.Layer l, TnnResource r, ImportContext ctx) {
    long axis = l.intParam(0, 0);
    boolean dataInResource = l.intParam(1, 0) != 0;
    boolean indicesInResource = l.intParam(2, 1) != 0;
    String data = dataInResource ? ctx.constant("data", r.buffer(0).toTensor(r.buffer(0).shape())) : l.inputs.get(0);
    String indices;
    if (indicesInResource) {
      RawBuffer b = r.buffer(1);
      float[] v = b.floats();
      long[] idx = new long[v.length];
      for (int i = 0; i < v.length; i++) {
        idx[i] = (long) v[i];
      }
      indices = ctx.constant("indices", Tensor.ofLongs(b.shape(), idx));
    } else {
      indices = l.inputs.get(l.inputs.size() - 1);
    }
    ctx.node("Gather", List.of(data, indices), List.of(l.outputs.get(0)),
        Attributes.builder().set("axis", axis).build());
  }

  /** count axes...: Squeeze and Unsqueeze with their axes as an input. */
  static TnnLayerReader axes(String op) {
    return (l, r, ctx) -> {
      int n = l.intParam(0, 0);
      long[] axes = new long[n];
      for (int i = 0; i < n; i++) {
        axes[i] = l.intParam(1 + i, 0);
      }
      ctx.node(op, List.of(l.inputs.get(0), ctx.constant("axes", ImportContext.ints64(axes))),
          List.of(l.outputs.get(0)), Attributes.EMPTY);
    };
  }

  /** alpha: Elu. */
  static void elu(TnnNet.Layer l, TnnResource r, ImportContext ctx) {
    ctx.node("Elu", List.of(l.inputs.get(0)), List.of(l.outputs.get(0)),
        Attributes.builder().set("alpha", l.floatParam(0, 1f)).build());
  }

  /** channel_shared has_filler; resource slope: PRelu (a per-channel slope as [C,1,1], NCHW). */
  static void prelu(TnnNet.Layer l, TnnResource r, ImportContext ctx) {
    RawBuffer s = r.buffer(0);
    long[] shape = s.count() == 1 ? new long[] {1} : new long[] {s.count(), 1, 1};
    ctx.node("PRelu", List.of(l.inputs.get(0), ctx.constant("slope", s.toTensor(shape))), List.of(l.outputs.get(0)),
        Attributes.EMPTY);
  }
}
