package dev.mobilize.tnn;

import static java.util.Map.entry;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.FusedOps;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The layer writers, one per IR op ({@code mobilize.} prefix for fused ops). */
final class TnnWriters {

  private TnnWriters() {}

  static final Map<String, TnnLayerWriter> TABLE = Map.ofEntries(
      entry("Conv", TnnWriters::conv),
      entry("mobilize." + FusedOps.FUSED_CONV, TnnWriters::conv),
      entry("Gemm", TnnWriters::gemm),
      entry("mobilize." + FusedOps.FUSED_GEMM, TnnWriters::gemm),
      entry("MaxPool", TnnWriters::pool),
      entry("AveragePool", TnnWriters::pool),
      entry("GlobalMaxPool", TnnWriters::pool),
      entry("GlobalAveragePool", TnnWriters::pool),
      entry("Relu", TnnWriters::relu),
      entry("Sigmoid", unary("Sigmoid")),
      entry("Clip", TnnWriters::clip),
      entry("HardSigmoid", TnnWriters::hardSigmoid),
      entry("HardSwish", TnnWriters::hardSwish),
      entry("Add", binary("Add")),
      entry("Sub", binary("Sub")),
      entry("Mul", binary("Mul")),
      entry("Div", binary("Div")),
      entry("Concat", TnnWriters::concat),
      entry("Softmax", TnnWriters::softmax),
      entry("Flatten", TnnWriters::flatten),
      entry("Reshape", TnnWriters::reshape),
      entry("Transpose", TnnWriters::transpose),
      entry("BatchNormalization", TnnWriters::batchNorm),
      entry("Slice", TnnWriters::slice),
      entry("Split", TnnWriters::split),
      entry("MatMul", TnnWriters::matMul),
      entry("ReduceMean", TnnWriters::reduceMean),
      entry("ReduceSum", StructureWriters.reduce("ReduceSum")),
      entry("ReduceMax", StructureWriters.reduce("ReduceMax")),
      entry("ReduceMin", StructureWriters.reduce("ReduceMin")),
      entry("ReduceProd", StructureWriters.reduce("ReduceProd")),
      entry("ReduceL2", StructureWriters.reduce("ReduceL2")),
      entry("Resize", StructureWriters::resize),
      entry("Pad", StructureWriters::pad),
      entry("ConvTranspose", StructureWriters::convTranspose),
      entry("mobilize." + FusedOps.FUSED_CONV_TRANSPOSE, StructureWriters::convTranspose),
      entry("InstanceNormalization", StructureWriters::instanceNorm),
      entry("LayerNormalization", StructureWriters::layerNorm),
      entry("Gather", StructureWriters::gather),
      entry("Squeeze", StructureWriters.axes("Squeeze")),
      entry("Unsqueeze", StructureWriters.axes("Unsqueeze")),
      entry("Tanh", unary("Tanh")),
      entry("Abs", unary("Abs")),
      entry("Exp", unary("Exp")),
      entry("Log", unary("Log")),
      entry("Sqrt", unary("Sqrt")),
      entry("Neg", unary("Neg")),
      entry("Erf", unary("Erf")),
      entry("Floor", unary("Floor")),
      entry("Reciprocal", unary("Reciprocal")),
      entry("Elu", ActivationWriters::elu),
      entry("LeakyRelu", ActivationWriters::leakyRelu),
      entry("PRelu", ActivationWriters::prelu),
      entry("Max", binary("Maximum")),
      entry("Min", binary("Minimum")),
      entry("Identity", TnnWriters::alias),
      entry("QuantizeLinear", TnnWriters::floatQdq),
      entry("DequantizeLinear", TnnWriters::floatQdq),
      entry("Dropout", TnnWriters::alias));

  static String key(Node n) {
    return n.domain().isEmpty() ? n.opType() : n.domain() + "." + n.opType();
  }

  static void alias(Node n, ExportContext ctx) {
    if (ctx.graph.outputs().stream().anyMatch(o -> o.name().equals(n.output(0)))) {
      ctx.layer("Reshape", n, List.of(n.input(0)), List.of(n.output(0)), reshapeParams(ctx.dims(n.output(0))));
      return;
    }
    ctx.aliases.put(n.output(0), n.input(0));
  }

  /**
   * A QuantizeLinear or DequantizeLinear of an activation: its output is its input (the weights'
   * DequantizeLinear were folded to float constants). Where the blob is read or written by an int8
   * layer, TNN quantizes it there with the blob's scale; elsewhere it stays float, and the exporter
   * warns once, naming these nodes.
   */
  static void floatQdq(Node n, ExportContext ctx) {
    ctx.net.floatQdq.put(n.name().isEmpty() ? n.output(0) : n.name(), ctx.blob(n.input(0)));
    alias(n, ctx);
  }

  /** Convolution: group ic oc kh kw sh sw pad_h pad_w bias pad_type dil_h dil_w activation_type. */
  static void conv(Node n, ExportContext ctx) {
    Int8Convs.Int8Conv q = ctx.int8.get(n.output(0));
    if (q != null) {
      int8Conv(n, q, ctx);
      return;
    }
    Tensor w = ctx.requireConstant(n, 1, "the weight");
    Attributes a = n.attributes();
    String act = a.getString(FusedOps.ACTIVATION, "");
    float[] ap = a.floats(FusedOps.ACTIVATION_PARAMS, new float[0]);
    int actType = activationType(act, ap);
    boolean bias = n.hasInput(2);
    String out = n.output(0);
    String convOut = actType >= 0 ? out : ctx.fresh(out + "_conv");
    TnnNet.Layer l = ctx.layer("Convolution", n, List.of(n.input(0)), List.of(convOut),
        convParams(n, w.dims(), bias, Math.max(actType, 0)));
    List<RawBuffer> res = new ArrayList<>(List.of(RawBuffer.of(w)));
    if (bias) {
      res.add(RawBuffer.of(ctx.requireConstant(n, 2, "the bias")));
    }
    ctx.resource(l, res);
    if (actType < 0) {
      activation(n, act, ap, convOut, out, ctx);
    }
  }

  /** TNN's activation_type of a fused activation: 0 none, 1 ReLU, 2 ReLU6, -1 none of these. */
  static int activationType(String act, float[] p) {
    return act.isEmpty() ? 0 : act.equals("Relu") ? 1
        : act.equals("Clip") && p.length == 2 && p[0] == 0f && p[1] == 6f ? 2 : -1;
  }

  /** The Convolution parameters of a 2-D convolution with symmetric explicit pads. */
  static List<String> convParams(Node n, long[] wd, boolean bias, int actType) {
    Attributes a = n.attributes();
    if (!a.getString("auto_pad", "NOTSET").equals("NOTSET")) {
      throw new IllegalArgumentException("auto_pad " + a.getString("auto_pad") + " is not written; use explicit pads");
    }
    if (wd.length != 4) {
      throw new IllegalArgumentException("TNN Convolution is 2-D; the weight has rank " + wd.length);
    }
    long[] pads = a.ints("pads", new long[] {0, 0, 0, 0});
    if (pads[0] != pads[2] || pads[1] != pads[3]) {
      throw new IllegalArgumentException("pads " + Arrays.toString(pads) + " are asymmetric; TNN pads both sides "
          + "alike");
    }
    long[] s = a.ints("strides", new long[] {1, 1});
    long[] d = a.ints("dilations", new long[] {1, 1});
    long group = a.getInt("group", 1);
    return ExportContext.params(group, wd[1] * group, wd[0], wd[2], wd[3], s[0], s[1], pads[0], pads[1],
        bias ? 1 : 0, -1, d[0], d[1], actType);
  }

  /**
   * QuantizedConvolution: the Convolution parameters; resource: int8 filter, int32 bias, int8 zero
   * points (0) and per-channel scales W_scale·x_scale (TNN's quantization tool folds the input scale
   * into the weight scale; the layer divides by the output blob's scale). The input and output blobs
   * get BlobScale resources.
   */
  static void int8Conv(Node n, Int8Convs.Int8Conv q, ExportContext ctx) {
    long[] wd = q.weight().dims();
    int m = (int) wd[0];
    int actType = q.act().isEmpty() ? 0 : q.act().equals("Relu") ? 1 : 2;
    boolean bias = q.bias() != null;
    TnnNet.Layer l = ctx.layer("QuantizedConvolution", n, List.of(n.input(0)), List.of(q.output()),
        convParams(n, wd, bias, actType));
    float[] scale = new float[m];
    for (int c = 0; c < m; c++) {
      scale[c] = q.weightScale()[c] * q.inputScale();
    }
    int[] dims = Arrays.stream(wd).mapToInt(Math::toIntExact).toArray();
    ctx.resource(l, List.of(new RawBuffer(RawBuffer.INT8, dims, q.weight().toByteArray()),
        bias ? RawBuffer.ints(new int[] {m}, q.bias().toIntArray()) : RawBuffer.EMPTY,
        new RawBuffer(RawBuffer.INT8, new int[] {m}, new byte[m]), RawBuffer.floats(new int[] {m}, scale)));
    ctx.net.blobScales.put(ctx.blob(n.input(0)), q.inputScale());
    ctx.net.blobScales.put(q.output(), q.outputScale());
    if (q.actNode() != null) {
      ctx.written.add(q.actNode().output(0));
    }
  }

  /** A fused activation as its own layer. */
  static void activation(Node n, String act, float[] p, String in, String out, ExportContext ctx) {
    switch (act) {
      case "Relu" -> ctx.layer("ReLU", n, List.of(in), List.of(out), List.of());
      case "Sigmoid" -> ctx.layer("Sigmoid", n, List.of(in), List.of(out), List.of());
      case "HardSwish" -> ctx.layer("HardSwish", n, List.of(in), List.of(out), ExportContext.params(1f / 6, 0.5f));
      case "HardSigmoid" -> ctx.layer("HardSigmoid", n, List.of(in), List.of(out), ExportContext.params(p[0], p[1]));
      case "Clip" -> {
        if (p[0] != 0f || p[1] != 6f) {
          throw new IllegalArgumentException("Clip [" + p[0] + ", " + p[1] + "] is not written; only [0, 6] (ReLU6)");
        }
        ctx.layer("ReLU6", n, List.of(in), List.of(out), List.of());
      }
      default -> throw new IllegalArgumentException("the fused activation " + act + " is not written; TNN layers "
          + "are written for Relu, Clip [0,6], Sigmoid, HardSigmoid, HardSwish");
    }
  }

  /** InnerProduct: num_output has_bias transpose axis; weight [N,K], y = x·Wᵀ + b. */
  static void gemm(Node n, ExportContext ctx) {
    Int8Fcs.Int8Fc q = ctx.int8Fcs.get(n.output(0));
    if (q != null) {
      int8Fc(n, q, ctx);
      return;
    }
    Attributes a = n.attributes();
    if (a.getInt("transA", 0) != 0 || a.getFloat("alpha", 1f) != 1f || a.getFloat("beta", 1f) != 1f) {
      throw new IllegalArgumentException("transA, alpha or beta differ from 0, 1, 1; TNN InnerProduct has none");
    }
    Tensor b = ctx.requireConstant(n, 1, "B");
    long[] bd = b.dims();
    float[] w = b.toFloatArray();
    long outN = a.getInt("transB", 0) != 0 ? bd[0] : bd[1];
    long k = a.getInt("transB", 0) != 0 ? bd[1] : bd[0];
    if (a.getInt("transB", 0) == 0) {
      float[] t = new float[w.length];
      for (int i = 0; i < k; i++) {
        for (int j = 0; j < outN; j++) {
          t[(int) (j * k + i)] = w[(int) (i * outN + j)];
        }
      }
      w = t;
    }
    RawBuffer bias = RawBuffer.EMPTY;
    if (n.hasInput(2)) {
      Tensor c = ctx.requireConstant(n, 2, "C");
      if (c.numElements() != outN) {
        throw new IllegalArgumentException("C has " + c.numElements() + " values, expected " + outN + " (one per output)");
      }
      bias = RawBuffer.floats(new int[] {(int) outN}, c.toFloatArray());
    }
    String act = n.attributes().getString(FusedOps.ACTIVATION, "");
    String out = n.output(0);
    String fcOut = act.isEmpty() ? out : ctx.fresh(out + "_fc");
    TnnNet.Layer l = ctx.layer("InnerProduct", n, List.of(n.input(0)), List.of(fcOut),
        ExportContext.params(outN, bias.isEmpty() ? 0 : 1, 0, 1));
    ctx.resource(l, List.of(RawBuffer.floats(new int[] {(int) outN, (int) k}, w), bias));
    if (!act.isEmpty()) {
      activation(n, act, n.attributes().floats(FusedOps.ACTIVATION_PARAMS, new float[0]), fcOut, out, ctx);
    }
  }

  /**
   * QuantizedInnerProduct: the InnerProduct parameters; resource: int8 weight [N,K], int32 bias, int8
   * zero points (0), per-output scales W_scale·x_scale (as QuantizedConvolution). A Relu becomes a
   * QuantizedReLU on the output blob's scale.
   */
  static void int8Fc(Node n, Int8Fcs.Int8Fc q, ExportContext ctx) {
    String out = q.relu() ? ctx.fresh(q.output() + "_fc") : q.output();
    TnnNet.Layer l = ctx.layer("QuantizedInnerProduct", n, List.of(n.input(0)), List.of(out),
        ExportContext.params(q.n(), q.bias() == null ? 0 : 1, 0, 1));
    float[] scale = new float[q.n()];
    for (int c = 0; c < scale.length; c++) {
      scale[c] = q.weightScale()[c] * q.inputScale();
    }
    ctx.resource(l, List.of(new RawBuffer(RawBuffer.INT8, new int[] {q.n(), q.k()}, q.weight()),
        q.bias() == null ? RawBuffer.EMPTY : RawBuffer.ints(new int[] {q.n()}, q.bias()),
        new RawBuffer(RawBuffer.INT8, new int[] {q.n()}, new byte[q.n()]), RawBuffer.floats(new int[] {q.n()}, scale)));
    ctx.net.blobScales.put(ctx.blob(n.input(0)), q.inputScale());
    ctx.net.blobScales.put(out, q.outputScale());
    if (q.relu()) {
      ctx.layer("QuantizedReLU", n, List.of(out), List.of(q.output()), List.of());
      ctx.net.blobScales.put(q.output(), q.outputScale());
    }
    if (q.actNode() != null) {
      ctx.written.add(q.actNode().output(0));
    }
  }

  /** ReLU; QuantizedReLU between Q/DQ pairs of one scale. */
  static void relu(Node n, ExportContext ctx) {
    ctx.layer(ctx.int8Type(n, "ReLU"), n, List.of(n.input(0)), List.of(n.output(0)), List.of());
  }

  /**
   * Pooling: pool_type kh kw sh sw pad_h pad_w -1 -1 pad_type ceil_mode is_adaptive out_h out_w;
   * QuantizedPooling between Q/DQ pairs of one scale.
   */
  static void pool(Node n, ExportContext ctx) {
    boolean max = n.opType().contains("Max");
    List<String> io = List.of(n.input(0));
    List<String> out = List.of(n.output(0));
    String type = ctx.int8Type(n, "Pooling");
    if (n.opType().startsWith("Global")) {
      ctx.layer(type, n, io, out, ExportContext.params(max ? 0 : 1, 0, 0, 1, 1, 0, 0, -1, -1, -1, 0, 0, -1, -1));
      return;
    }
    Attributes a = n.attributes();
    if (!a.getString("auto_pad", "NOTSET").equals("NOTSET")) {
      throw new IllegalArgumentException("auto_pad is not written; use explicit pads");
    }
    long[] k = a.ints("kernel_shape");
    if (k.length != 2) {
      throw new IllegalArgumentException("TNN Pooling is 2-D; kernel_shape has " + k.length + " dims");
    }
    long[] s = a.ints("strides", new long[] {1, 1});
    long[] p = a.ints("pads", new long[] {0, 0, 0, 0});
    if (p[0] != p[2] || p[1] != p[3]) {
      throw new IllegalArgumentException("pads " + Arrays.toString(p) + " are asymmetric; TNN pads both sides alike");
    }
    if (!max && (p[0] != 0 || p[1] != 0) && a.getInt("count_include_pad", 0) == 0) {
      throw new IllegalArgumentException("average pooling with pads and count_include_pad=0 is not written; "
          + "TNN counts the padding");
    }
    if (Arrays.stream(a.ints("dilations", new long[] {1, 1})).anyMatch(x -> x != 1)) {
      throw new IllegalArgumentException("dilated pooling is not written");
    }
    ctx.layer(type, n, io, out, ExportContext.params(max ? 0 : 1, k[0], k[1], s[0], s[1], p[0], p[1], -1, -1,
        -1, a.getInt("ceil_mode", 0), 0, 0, 0));
  }

  static TnnLayerWriter unary(String type) {
    return (n, ctx) -> ctx.layer(type, n, List.of(n.input(0)), List.of(n.output(0)), List.of());
  }

  /** Clip [0, 6] is ReLU6; [0, +inf) is ReLU. */
  static void clip(Node n, ExportContext ctx) {
    float min = n.hasInput(1) ? ctx.requireConstant(n, 1, "min").toFloatArray()[0]
        : n.attributes().getFloat("min", Float.NEGATIVE_INFINITY);
    float max = n.hasInput(2) ? ctx.requireConstant(n, 2, "max").toFloatArray()[0]
        : n.attributes().getFloat("max", Float.POSITIVE_INFINITY);
    if (min == 0f && max == 6f) {
      ctx.layer("ReLU6", n, List.of(n.input(0)), List.of(n.output(0)), List.of());
    } else if (min == 0f && max == Float.POSITIVE_INFINITY) {
      ctx.layer("ReLU", n, List.of(n.input(0)), List.of(n.output(0)), List.of());
    } else {
      throw new IllegalArgumentException("Clip [" + min + ", " + max + "] is not written; only [0, 6] and [0, inf)");
    }
  }

  static void hardSigmoid(Node n, ExportContext ctx) {
    ctx.layer("HardSigmoid", n, List.of(n.input(0)), List.of(n.output(0)), ExportContext.params(
        n.attributes().getFloat("alpha", 0.2f), n.attributes().getFloat("beta", 0.5f)));
  }

  static void hardSwish(Node n, ExportContext ctx) {
    ctx.layer("HardSwish", n, List.of(n.input(0)), List.of(n.output(0)), ExportContext.params(1f / 6, 0.5f));
  }

  /**
   * Two blobs: weight_input_index -1. One constant operand: a resource with dims padded with leading
   * 1s to the blob's rank, and weight_input_index = its position.
   */
  static TnnLayerWriter binary(String type) {
    return (n, ctx) -> {
      if (n.inputs().size() != 2) {
        throw new IllegalArgumentException("has " + n.inputs().size() + " inputs; TNN " + type + " takes two");
      }
      boolean c0 = ctx.constant(n.input(0)).isPresent();
      boolean c1 = ctx.constant(n.input(1)).isPresent();
      if (c0 && c1) {
        throw new IllegalArgumentException("both operands are constants; fold them first");
      }
      if (!c0 && !c1) {
        ctx.layer(ctx.int8Type(n, type), n, List.of(n.input(0), n.input(1)), List.of(n.output(0)),
            ExportContext.params(-1));
        return;
      }
      int wi = c0 ? 0 : 1;
      Tensor w = ctx.constant(n.input(wi)).orElseThrow();
      int rank = ctx.dims(n.input(1 - wi)).length;
      long[] wd = w.dims();
      int[] dims = new int[Math.max(rank, wd.length)];
      Arrays.fill(dims, 1);
      for (int i = 0; i < wd.length; i++) {
        dims[dims.length - wd.length + i] = (int) wd[i];
      }
      TnnNet.Layer l = ctx.layer(type, n, List.of(n.input(1 - wi)), List.of(n.output(0)), ExportContext.params(wi));
      ctx.resource(l, List.of(RawBuffer.floats(dims, w.toFloatArray())));
    };
  }

  private static long axis(long axis, int rank) {
    return axis < 0 ? axis + rank : axis;
  }

  static void concat(Node n, ExportContext ctx) {
    int rank = ctx.dims(n.output(0)).length;
    for (String in : n.inputs()) {
      if (ctx.constant(in).isPresent()) {
        throw new IllegalArgumentException("input '" + in + "' is a constant; TNN Concat reads blobs");
      }
    }
    ctx.layer(ctx.int8Type(n, "Concat"), n, n.inputs(), List.of(n.output(0)),
        ExportContext.params(axis(n.attributes().getInt("axis"), rank)));
  }

  static void softmax(Node n, ExportContext ctx) {
    int rank = ctx.dims(n.output(0)).length;
    long axis = axis(n.attributes().getInt("axis", ctx.opset >= 13 ? -1 : 1), rank);
    if (ctx.opset < 13 && axis != rank - 1) {
      throw new IllegalArgumentException("opset " + ctx.opset + " Softmax over the dims from axis " + axis
          + " is not written; TNN's Softmax takes one axis");
    }
    ctx.layer("Softmax", n, List.of(n.input(0)), List.of(n.output(0)), ExportContext.params(axis));
  }

  static void flatten(Node n, ExportContext ctx) {
    int rank = ctx.dims(n.input(0)).length;
    ctx.layer("Flatten", n, List.of(n.input(0)), List.of(n.output(0)),
        ExportContext.params(axis(n.attributes().getInt("axis", 1), rank)));
  }

  static List<String> reshapeParams(long[] dims) {
    List<String> p = new ArrayList<>(ExportContext.params(0, dims.length, dims.length));
    for (long d : dims) {
      p.add(String.valueOf(d));
    }
    p.add("0");
    return p;
  }

  /** Reshape: axis num_axes rank dims... reshape_type, with the (static) output dims. */
  static void reshape(Node n, ExportContext ctx) {
    ctx.layer("Reshape", n, List.of(n.input(0)), List.of(n.output(0)), reshapeParams(ctx.dims(n.output(0))));
  }

  static void transpose(Node n, ExportContext ctx) {
    int rank = ctx.dims(n.input(0)).length;
    long[] perm = n.attributes().ints("perm", null);
    if (perm == null) {
      perm = new long[rank];
      for (int i = 0; i < rank; i++) {
        perm[i] = rank - 1 - i;
      }
    }
    List<String> p = new ArrayList<>(ExportContext.params(perm.length));
    for (long x : perm) {
      p.add(String.valueOf(x));
    }
    ctx.layer("Permute", n, List.of(n.input(0)), List.of(n.output(0)), p);
  }

  /** BatchNormCxx: scale = γ/√(σ²+ε), bias = β − μ·scale. */
  static void batchNorm(Node n, ExportContext ctx) {
    float[] g = ctx.requireConstant(n, 1, "scale").toFloatArray();
    float[] b = ctx.requireConstant(n, 2, "B").toFloatArray();
    float[] mean = ctx.requireConstant(n, 3, "mean").toFloatArray();
    float[] var = ctx.requireConstant(n, 4, "var").toFloatArray();
    float eps = n.attributes().getFloat("epsilon", 1e-5f);
    float[] scale = new float[g.length];
    float[] bias = new float[g.length];
    for (int c = 0; c < g.length; c++) {
      scale[c] = (float) (g[c] / Math.sqrt((double) var[c] + eps));
      bias[c] = b[c] - mean[c] * scale[c];
    }
    TnnNet.Layer l = ctx.layer("BatchNormCxx", n, List.of(n.input(0)), List.of(n.output(0)), List.of());
    ctx.resource(l, List.of(RawBuffer.floats(new int[] {g.length}, scale), RawBuffer.floats(new int[] {g.length}, bias)));
  }

  private static List<String> sliceParams(long[] starts, long[] ends, long[] axes, long[] steps) {
    List<String> p = new ArrayList<>();
    for (long[] list : new long[][] {starts, ends, axes, steps}) {
      p.add(String.valueOf(list.length));
      for (long v : list) {
        p.add(String.valueOf(Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v))));
      }
    }
    return p;
  }

  /** StridedSliceV2: n begins... n ends... n axes... n strides... (ONNX Slice with constant operands). */
  static void slice(Node n, ExportContext ctx) {
    long[] starts = ctx.requireConstant(n, 1, "starts").toLongArray();
    long[] ends = ctx.requireConstant(n, 2, "ends").toLongArray();
    int rank = ctx.dims(n.input(0)).length;
    long[] axes = new long[starts.length];
    for (int i = 0; i < axes.length; i++) {
      axes[i] = i;
    }
    if (n.hasInput(3)) {
      axes = ctx.requireConstant(n, 3, "axes").toLongArray().clone();
      for (int i = 0; i < axes.length; i++) {
        axes[i] = axis(axes[i], rank);
      }
    }
    long[] steps = new long[starts.length];
    Arrays.fill(steps, 1);
    if (n.hasInput(4)) {
      steps = ctx.requireConstant(n, 4, "steps").toLongArray();
    }
    ctx.layer("StridedSliceV2", n, List.of(n.input(0)), List.of(n.output(0)), sliceParams(starts, ends, axes, steps));
  }

  /** Split as one StridedSliceV2 per output. */
  static void split(Node n, ExportContext ctx) {
    long[] in = ctx.dims(n.input(0));
    long axis = axis(n.attributes().getInt("axis", 0), in.length);
    long at = 0;
    for (String out : n.outputs()) {
      long size = ctx.dims(out)[(int) axis];
      ctx.layer("StridedSliceV2", n, List.of(n.input(0)), List.of(out),
          sliceParams(new long[] {at}, new long[] {at + size}, new long[] {axis}, new long[] {1}));
      at += size;
    }
  }

  /**
   * MatMul of two blobs, or with one constant operand: weight_position and the weight as resource;
   * QuantizedInnerProduct in the int8 pattern ({@link Int8Fcs}).
   */
  static void matMul(Node n, ExportContext ctx) {
    Int8Fcs.Int8Fc q = ctx.int8Fcs.get(n.output(0));
    if (q != null) {
      int8Fc(n, q, ctx);
      return;
    }
    boolean c0 = ctx.constant(n.input(0)).isPresent();
    boolean c1 = ctx.constant(n.input(1)).isPresent();
    if (c0 && c1) {
      throw new IllegalArgumentException("both operands are constants; fold them first");
    }
    if (!c0 && !c1) {
      ctx.layer("MatMul", n, List.of(n.input(0), n.input(1)), List.of(n.output(0)), ExportContext.params(-1));
      return;
    }
    int wi = c0 ? 0 : 1;
    Tensor w = ctx.constant(n.input(wi)).orElseThrow();
    TnnNet.Layer l = ctx.layer("MatMul", n, List.of(n.input(1 - wi)), List.of(n.output(0)), ExportContext.params(wi));
    ctx.resource(l, List.of(RawBuffer.of(w)));
  }

  /**
   * ReduceMean over H and W of an NCHW value: global average Pooling (then Reshape when keepdims=0);
   * over other axes: TNN's ReduceMean.
   */
  static void reduceMean(Node n, ExportContext ctx) {
    long[] in = ctx.dims(n.input(0));
    long[] axes = n.hasInput(1) ? ctx.requireConstant(n, 1, "axes").toLongArray() : n.attributes().ints("axes", null);
    if (in.length != 4 || axes == null || axes.length != 2 || axis(axes[0], 4) + axis(axes[1], 4) != 5
        || axis(axes[0], 4) < 2 || axis(axes[1], 4) < 2) {
      StructureWriters.reduce("ReduceMean").write(n, ctx);
      return;
    }
    if (n.attributes().getInt("keepdims", 1) != 0) {
      ctx.layer("Pooling", n, List.of(n.input(0)), List.of(n.output(0)),
          ExportContext.params(1, 0, 0, 1, 1, 0, 0, -1, -1, -1, 0, 0, -1, -1));
      return;
    }
    String pooled = ctx.fresh(n.output(0) + "_pool");
    ctx.layer("Pooling", n, List.of(n.input(0)), List.of(pooled),
        ExportContext.params(1, 0, 0, 1, 1, 0, 0, -1, -1, -1, 0, 0, -1, -1));
    ctx.layer("Reshape", n, List.of(pooled), List.of(n.output(0)), reshapeParams(ctx.dims(n.output(0))));
  }
}
