package dev.mobilize.tnn;

import static java.util.Map.entry;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The layer readers, one per TNN layer type, each mapping the layer to ONNX-semantics IR nodes.
 * Parameter orders follow TNN's layer_interpreter/*.cc.
 */
final class TnnReaders {

  private TnnReaders() {}

  static final Map<String, TnnLayerReader> TABLE = Map.ofEntries(
      entry("Convolution", TnnReaders::convolution),
      entry("Pooling", TnnReaders::pooling),
      entry("InnerProduct", TnnReaders::innerProduct),
      entry("ReLU", unary("Relu")),
      entry("Sigmoid", unary("Sigmoid")),
      entry("ReLU6", TnnReaders::relu6),
      entry("HardSigmoid", TnnReaders::hardSigmoid),
      entry("HardSwish", TnnReaders::hardSwish),
      entry("Add", binary("Add")),
      entry("Sub", binary("Sub")),
      entry("Mul", binary("Mul")),
      entry("Div", binary("Div")),
      entry("MatMul", TnnReaders::matMul),
      entry("Concat", TnnReaders::concat),
      entry("Softmax", TnnReaders::softmax),
      entry("SoftmaxCaffe", TnnReaders::softmax),
      entry("Flatten", TnnReaders::flatten),
      entry("Reshape", TnnReaders::reshape),
      entry("Permute", TnnReaders::permute),
      entry("BatchNormCxx", TnnReaders::scaleShift),
      entry("Scale", TnnReaders::scaleShift),
      entry("Shape", unary("Shape")),
      entry("Cast", TnnReaders::cast),
      entry("StridedSliceV2", TnnReaders::stridedSliceV2),
      entry("Upsample", StructureReaders::upsample),
      entry("QuantizedConvolution", Int8Readers::quantizedConvolution),
      entry("QuantizedInnerProduct", Int8Readers::quantizedInnerProduct),
      entry("QuantizedPooling", Int8Readers.quantized("Pooling")),
      entry("QuantizedAdd", Int8Readers.quantized("Add")),
      entry("QuantizedConcat", Int8Readers.quantized("Concat")),
      entry("QuantizedReLU", Int8Readers.quantized("ReLU")),
      entry("PadV2", StructureReaders::padV2),
      entry("Deconvolution", StructureReaders::deconvolution),
      entry("InstBatchNormCxx", StructureReaders::instanceNorm),
      entry("LayerNorm", StructureReaders::layerNorm),
      entry("ReduceMean", StructureReaders.reduce("ReduceMean")),
      entry("ReduceSum", StructureReaders.reduce("ReduceSum")),
      entry("ReduceMax", StructureReaders.reduce("ReduceMax")),
      entry("ReduceMin", StructureReaders.reduce("ReduceMin")),
      entry("ReduceProd", StructureReaders.reduce("ReduceProd")),
      entry("ReduceL2", StructureReaders.reduce("ReduceL2")),
      entry("Gather", StructureReaders::gather),
      entry("Squeeze", StructureReaders.axes("Squeeze")),
      entry("Unsqueeze", StructureReaders.axes("Unsqueeze")),
      entry("Elu", StructureReaders::elu),
      entry("PReLU", StructureReaders::prelu),
      entry("Tanh", unary("Tanh")),
      entry("Abs", unary("Abs")),
      entry("Exp", unary("Exp")),
      entry("Log", unary("Log")),
      entry("Sqrt", unary("Sqrt")),
      entry("Neg", unary("Neg")),
      entry("Erf", unary("Erf")),
      entry("Floor", unary("Floor")),
      entry("Reciprocal", unary("Reciprocal")),
      entry("Maximum", binary("Max")),
      entry("Minimum", binary("Min")));

  /** group ic oc kh kw sh sw pad_h pad_w bias pad_type dil_h dil_w activation_type. */
  static void convolution(TnnNet.Layer l, TnnResource r, ImportContext ctx) {
    int group = l.intParam(0, 1);
    int ic = l.intParam(1, 0);
    int oc = l.intParam(2, 0);
    int kh = l.intParam(3, 0);
    int kw = l.intParam(4, 0);
    int padType = l.intParam(10, -1);
    if (padType != -1) {
      throw new IllegalArgumentException("pad_type " + padType + " is not read; only -1 (explicit pads)");
    }
    int act = l.intParam(13, 0);
    if (r == null) {
      throw new IllegalArgumentException("has no resource (weights) in the .tnnmodel");
    }
    RawBuffer w = r.buffer(0);
    long[] wShape = w.dims().length == 4 ? w.shape() : new long[] {oc, ic / group, kh, kw};
    List<String> ins = new ArrayList<>(List.of(l.inputs.get(0), ctx.constant("weight", w.toTensor(wShape))));
    if (l.intParam(9, 0) != 0 && !r.buffer(1).isEmpty()) {
      ins.add(ctx.constant("bias", r.buffer(1).toTensor(new long[] {r.buffer(1).count()})));
    }
    Attributes attrs = Attributes.builder().set("group", (long) group).ints("kernel_shape", kh, kw)
        .ints("strides", l.intParam(5, 1), l.intParam(6, 1))
        .ints("pads", l.intParam(7, 0), l.intParam(8, 0), l.intParam(7, 0), l.intParam(8, 0))
        .ints("dilations", l.intParam(11, 1), l.intParam(12, 1)).build();
    String out = l.outputs.get(0);
    switch (act) {
      case 0 -> ctx.node("Conv", ins, List.of(out), attrs);
      case 1, 2 -> {
        String t = ctx.temp("conv");
        ctx.node("Conv", ins, List.of(t), attrs);
        if (act == 1) {
          ctx.node("Relu", List.of(t), List.of(out), Attributes.EMPTY);
        } else {
          clip(ctx, t, out, 0f, 6f);
        }
      }
      case 0x100 -> {
        String t = ctx.temp("conv");
        String s = ctx.temp("sigmoid");
        ctx.node("Conv", ins, List.of(t), attrs);
        ctx.node("Sigmoid", List.of(t), List.of(s), Attributes.EMPTY);
        ctx.node("Mul", List.of(t, s), List.of(out), Attributes.EMPTY);
      }
      default -> throw new IllegalArgumentException("activation_type " + act + " is not one of 0, 1 (ReLU), "
          + "2 (ReLU6), 256 (x*sigmoid(x))");
    }
  }

  private static void clip(ImportContext ctx, String in, String out, float min, float max) {
    ctx.node("Clip", List.of(in, ctx.constant("min", Tensor.scalar(min)), ctx.constant("max", Tensor.scalar(max))),
        List.of(out), Attributes.EMPTY);
  }

  /**
   * pool_type kh kw sh sw pad_h pad_w kernel_index_h kernel_index_w pad_type ceil_mode is_adaptive out_h out_w.
   * Kernel 0x0 is global pooling. Average pooling counts the padding (Caffe).
   */
  static void pooling(TnnNet.Layer l, TnnResource r, ImportContext ctx) {
    int type = l.intParam(0, 0);
    int kh = l.intParam(1, 0);
    int kw = l.intParam(2, 0);
    if (l.intParam(9, -1) != -1) {
      throw new IllegalArgumentException("pad_type " + l.intParam(9, -1) + " is not read; only -1 (explicit pads)");
    }
    if (l.intParam(11, 0) != 0) {
      throw new IllegalArgumentException("adaptive pooling is not read");
    }
    List<String> io = List.of(l.inputs.get(0));
    List<String> out = List.of(l.outputs.get(0));
    if (kh == 0 && kw == 0) {
      ctx.node(type == 0 ? "GlobalMaxPool" : "GlobalAveragePool", io, out, Attributes.EMPTY);
      return;
    }
    int ph = l.intParam(5, 0);
    int pw = l.intParam(6, 0);
    Attributes.Builder a = Attributes.builder().ints("kernel_shape", kh, kw)
        .ints("strides", l.intParam(3, 1), l.intParam(4, 1)).ints("pads", ph, pw, ph, pw)
        .set("ceil_mode", (long) l.intParam(10, 0));
    if (type == 1) {
      a.set("count_include_pad", 1L);
    }
    ctx.node(type == 0 ? "MaxPool" : "AveragePool", io, out, a.build());
  }

  /** num_output has_bias transpose axis: y = flatten(x, axis) · Wᵀ + b. */
  static void innerProduct(TnnNet.Layer l, TnnResource r, ImportContext ctx) {
    int n = l.intParam(0, 0);
    int axis = l.intParam(3, 1);
    if (l.intParam(2, 0) != 0) {
      throw new IllegalArgumentException("transpose=1 is not read");
    }
    RawBuffer w = r.buffer(0);
    int k = w.count() / n;
    String flat = ctx.temp("flat");
    ctx.node("Flatten", List.of(l.inputs.get(0)), List.of(flat), Attributes.builder().set("axis", (long) axis).build());
    List<String> ins = new ArrayList<>(List.of(flat, ctx.constant("weight", w.toTensor(new long[] {n, k}))));
    if (l.intParam(1, 0) != 0 && !r.buffer(1).isEmpty()) {
      ins.add(ctx.constant("bias", r.buffer(1).toTensor(new long[] {n})));
    }
    ctx.node("Gemm", ins, List.of(l.outputs.get(0)), Attributes.builder().set("transB", 1L).build());
  }

  static TnnLayerReader unary(String op) {
    return (l, r, ctx) -> ctx.node(op, List.of(l.inputs.get(0)), List.of(l.outputs.get(0)), Attributes.EMPTY);
  }

  static void relu6(TnnNet.Layer l, TnnResource r, ImportContext ctx) {
    clip(ctx, l.inputs.get(0), l.outputs.get(0), 0f, 6f);
  }

  /** alpha beta: clip(αx + β, 0, 1). */
  static void hardSigmoid(TnnNet.Layer l, TnnResource r, ImportContext ctx) {
    ctx.node("HardSigmoid", List.of(l.inputs.get(0)), List.of(l.outputs.get(0)), Attributes.builder()
        .set("alpha", l.floatParam(0, 0.2f)).set("beta", l.floatParam(1, 0.5f)).build());
  }

  /** alpha beta: x0 · clip(α·x1 + β, 0, 1), where x1 = x0 for one input. */
  static void hardSwish(TnnNet.Layer l, TnnResource r, ImportContext ctx) {
    String x0 = l.inputs.get(0);
    String x1 = l.inputs.size() > 1 ? l.inputs.get(1) : x0;
    String hs = ctx.temp("hardsigmoid");
    ctx.node("HardSigmoid", List.of(x1), List.of(hs), Attributes.builder()
        .set("alpha", l.floatParam(0, 1f / 6)).set("beta", l.floatParam(1, 0.5f)).build());
    ctx.node("Mul", List.of(x0, hs), List.of(l.outputs.get(0)), Attributes.EMPTY);
  }

  /**
   * weight_input_index: with one input the constant operand (the resource) is input 0 or 1 of the
   * op; with two inputs both are blobs. A weight without dims broadcasts as a scalar (1 value) or
   * per channel ([1,C,1,1]).
   */
  static TnnLayerReader binary(String op) {
    return (l, r, ctx) -> {
      if (l.inputs.size() >= 2) {
        ctx.node(op, List.of(l.inputs.get(0), l.inputs.get(1)), List.of(l.outputs.get(0)), Attributes.EMPTY);
        return;
      }
      if (r == null) {
        throw new IllegalArgumentException("has one input and no constant operand in the .tnnmodel");
      }
      RawBuffer w = r.buffer(0);
      long[] shape = w.dims().length > 0 ? w.shape()
          : w.count() == 1 ? new long[0] : new long[] {1, w.count(), 1, 1};
      String c = ctx.constant("weight", w.toTensor(shape));
      int index = l.intParam(0, 1);
      List<String> ins = index == 0 ? List.of(c, l.inputs.get(0)) : List.of(l.inputs.get(0), c);
      ctx.node(op, ins, List.of(l.outputs.get(0)), Attributes.EMPTY);
    };
  }

  /** weight_position: the constant operand (resource) is input 0 or 1. */
  static void matMul(TnnNet.Layer l, TnnResource r, ImportContext ctx) {
    if (l.inputs.size() >= 2) {
      ctx.node("MatMul", List.of(l.inputs.get(0), l.inputs.get(1)), List.of(l.outputs.get(0)), Attributes.EMPTY);
      return;
    }
    RawBuffer w = r.buffer(0);
    String c = ctx.constant("weight", w.toTensor(w.shape()));
    List<String> ins = l.intParam(0, 1) == 0 ? List.of(c, l.inputs.get(0)) : List.of(l.inputs.get(0), c);
    ctx.node("MatMul", ins, List.of(l.outputs.get(0)), Attributes.EMPTY);
  }

  static void concat(TnnNet.Layer l, TnnResource r, ImportContext ctx) {
    ctx.node("Concat", l.inputs, List.of(l.outputs.get(0)),
        Attributes.builder().set("axis", (long) l.intParam(0, 1)).build());
  }

  static void softmax(TnnNet.Layer l, TnnResource r, ImportContext ctx) {
    ctx.node("Softmax", List.of(l.inputs.get(0)), List.of(l.outputs.get(0)),
        Attributes.builder().set("axis", (long) l.intParam(0, 1)).build());
  }

  static void flatten(TnnNet.Layer l, TnnResource r, ImportContext ctx) {
    ctx.node("Flatten", List.of(l.inputs.get(0)), List.of(l.outputs.get(0)),
        Attributes.builder().set("axis", (long) l.intParam(0, 1)).build());
  }

  /**
   * axis num_axes rank shape... reshape_type. Only axis 0 and reshape_type 0 (NCHW order) are read;
   * 0 copies a dim and -1 is inferred, as in ONNX. A second input gives the shape at run time.
   */
  static void reshape(TnnNet.Layer l, TnnResource r, ImportContext ctx) {
    int axis = l.intParam(0, 0);
    int rank = l.intParam(2, 0);
    int type = l.intParam(3 + rank, 0);
    if (axis != 0 || type != 0) {
      throw new IllegalArgumentException("axis " + axis + " / reshape_type " + type
          + " is not read; only axis 0 with reshape_type 0 (NCHW)");
    }
    String shape;
    if (l.inputs.size() >= 2) {
      shape = ctx.temp("shape");
      ctx.node("Cast", List.of(l.inputs.get(1)), List.of(shape),
          Attributes.builder().set("to", (long) DataType.INT64.code()).build());
    } else {
      long[] s = new long[rank];
      for (int i = 0; i < rank; i++) {
        s[i] = l.intParam(3 + i, 0);
      }
      shape = ctx.constant("shape", ImportContext.ints64(s));
    }
    ctx.node("Reshape", List.of(l.inputs.get(0), shape), List.of(l.outputs.get(0)), Attributes.EMPTY);
  }

  static void permute(TnnNet.Layer l, TnnResource r, ImportContext ctx) {
    int n = l.intParam(0, 0);
    long[] perm = new long[n];
    for (int i = 0; i < n; i++) {
      perm[i] = l.intParam(1 + i, i);
    }
    ctx.node("Transpose", List.of(l.inputs.get(0)), List.of(l.outputs.get(0)),
        Attributes.builder().ints("perm", perm).build());
  }

  /** BatchNormCxx and Scale: y = x·scale[c] + bias[c] (one value broadcasts to all channels). */
  static void scaleShift(TnnNet.Layer l, TnnResource r, ImportContext ctx) {
    RawBuffer scale = r.buffer(0);
    RawBuffer bias = r.buffer(1);
    long[] shape = scale.count() == 1 ? new long[0] : new long[] {1, scale.count(), 1, 1};
    String out = l.outputs.get(0);
    if (bias.isEmpty()) {
      ctx.node("Mul", List.of(l.inputs.get(0), ctx.constant("scale", scale.toTensor(shape))), List.of(out),
          Attributes.EMPTY);
      return;
    }
    String t = ctx.temp("scaled");
    ctx.node("Mul", List.of(l.inputs.get(0), ctx.constant("scale", scale.toTensor(shape))), List.of(t),
        Attributes.EMPTY);
    long[] bshape = bias.count() == 1 ? new long[0] : new long[] {1, bias.count(), 1, 1};
    ctx.node("Add", List.of(t, ctx.constant("bias", bias.toTensor(bshape))), List.of(out), Attributes.EMPTY);
  }

  /** to: TNN data type (0 float, 3 int32, 5 int64). */
  static void cast(TnnNet.Layer l, TnnResource r, ImportContext ctx) {
    int to = l.intParam(0, 0);
    DataType t = switch (to) {
      case RawBuffer.FLOAT -> DataType.FLOAT;
      case RawBuffer.INT32 -> DataType.INT32;
      case RawBuffer.INT64 -> DataType.INT64;
      default -> throw new IllegalArgumentException("Cast to TNN data type " + to + " is not read");
    };
    ctx.node("Cast", List.of(l.inputs.get(0)), List.of(l.outputs.get(0)),
        Attributes.builder().set("to", (long) t.code()).build());
  }

  /** n begins... n ends... n axes... n strides...: ONNX Slice. */
  static void stridedSliceV2(TnnNet.Layer l, TnnResource r, ImportContext ctx) {
    int[] at = {0};
    long[][] lists = new long[4][];
    for (int k = 0; k < 4; k++) {
      int n = l.intParam(at[0]++, 0);
      lists[k] = new long[n];
      for (int i = 0; i < n; i++) {
        lists[k][i] = l.intParam(at[0]++, 0);
      }
    }
    ctx.node("Slice", List.of(l.inputs.get(0), ctx.constant("starts", ImportContext.ints64(lists[0])),
        ctx.constant("ends", ImportContext.ints64(lists[1])), ctx.constant("axes", ImportContext.ints64(lists[2])),
        ctx.constant("steps", ImportContext.ints64(lists[3]))), List.of(l.outputs.get(0)), Attributes.EMPTY);
  }
}
