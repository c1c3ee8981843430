package dev.mobilize.mace;

import static java.util.Map.entry;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Tensor;
import dev.mobilize.mace.proto.MaceNet.OperatorDef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One reader per MACE op type, in one table. Each maps the op onto ONNX-semantic nodes, turning
 * MACE's conventions back: total padding split with the smaller half first, NHWC-described
 * arguments of data_format AUTO ops back to NCHW, fused activations as separate nodes.
 */
final class MaceReaders {

  private MaceReaders() {}

  @FunctionalInterface
  interface Reader {
    void read(OperatorDef op, Args a, ImportContext ctx);
  }

  static final Map<String, Reader> TABLE = Map.ofEntries(
      entry("Conv2D", MaceReaders::conv),
      entry("DepthwiseConv2d", MaceReaders::conv),
      entry("Deconv2D", MaceReaders::deconv),
      entry("DepthwiseDeconv2d", MaceReaders::deconv),
      entry("Pooling", MaceReaders::pooling),
      entry("Reduce", MaceReaders::reduce),
      entry("Eltwise", MaceReaders::eltwise),
      entry("Activation", MaceReaders::activationOp),
      entry("Concat", MaceReaders::concat),
      entry("Split", MaceReaders::split),
      entry("Reshape", MaceReaders::reshape),
      entry("Transpose", MaceReaders::transpose),
      entry("Squeeze", MaceReaders::squeeze),
      entry("Softmax", MaceReaders::softmax),
      entry("MatMul", MaceReaders::matMul),
      entry("FullyConnected", MaceReaders::fullyConnected),
      entry("BatchNorm", MaceReaders::batchNorm),
      entry("BiasAdd", MaceReaders::biasAdd),
      entry("ChannelShuffle", MaceReaders::channelShuffle),
      entry("ResizeBilinear", MaceReaders::resize),
      entry("ResizeNearestNeighbor", MaceReaders::resize),
      entry("Pad", MaceReaders::pad),
      entry("Slice", MaceReaders::slice),
      entry("Identity", MaceReaders::identity));

  // MACE's enums (tools/python/transform/base_converter.py)
  static final int PAD_VALID = 0;
  static final int PAD_SAME = 1;
  static final int POOL_AVG = 1;
  static final int POOL_MAX = 2;
  static final int ROUND_CEIL = 1;

  static final String[] ELTWISE = {"SUM", "SUB", "PROD", "DIV", "MIN", "MAX", "NEG", "ABS", "SQR_DIFF", "POW"};
  static final String[] ELTWISE_ONNX = {"Add", "Sub", "Mul", "Div", "Min", "Max", "Neg", "Abs", null, "Pow"};
  static final String[] REDUCE_ONNX = {"ReduceMean", "ReduceMin", "ReduceMax", "ReduceProd", "ReduceSum"};

  /** ONNX pads [top, left, bottom, right] from MACE's total padding (top gets the smaller half). */
  static long[] pads(Args a) {
    long[] p = a.ints("padding_values");
    if (p == null) {
      return null;
    }
    if (p.length != 2) {
      throw new IllegalArgumentException("padding_values has " + p.length + " values, expected 2 (height, width)");
    }
    return new long[] {p[0] >> 1, p[1] >> 1, p[0] - (p[0] >> 1), p[1] - (p[1] >> 1)};
  }

  static Attributes.Builder windowAttrs(Args a) {
    Attributes.Builder b = Attributes.builder();
    long[] strides = a.ints("strides");
    b.ints("strides", strides == null ? new long[] {1, 1} : strides);
    long[] pads = pads(a);
    if (pads != null) {
      b.ints("pads", pads);
    } else {
      long mode = a.i("padding", PAD_SAME);
      if (mode == PAD_SAME) {
        b.set("auto_pad", "SAME_UPPER");
      } else if (mode != PAD_VALID) {
        throw new IllegalArgumentException("padding mode " + mode + " is not read; expected VALID (0) or SAME (1)");
      }
    }
    return b;
  }

  static void conv(OperatorDef op, Args a, ImportContext ctx) {
    String w = op.getInput(1);
    Tensor filter = ctx.initializers.get(w);
    if (filter == null || filter.rank() != 4) {
      throw new IllegalArgumentException("the filter '" + w + "' must be a constant OIHW tensor");
    }
    Attributes.Builder b = windowAttrs(a);
    long[] dil = a.ints("dilations");
    b.ints("dilations", dil == null ? new long[] {1, 1} : dil);
    long[] d = filter.dims();
    b.ints("kernel_shape", d[2], d[3]);
    if (op.getType().equals("DepthwiseConv2d")) {
      // MACE's depthwise filter is [multiplier, C, kh, kw]; ONNX's is [C*multiplier, 1, kh, kw]
      w = ctx.constant("filter", Tensor.ofFloats(new long[] {d[0] * d[1], 1, d[2], d[3]},
          Formats.swapFirstAxes(filter).toFloatArray()));
      b.set("group", d[1]);
    } else {
      b.set("group", a.i("group", 1));
    }
    List<String> in = new ArrayList<>(List.of(op.getInput(0), w));
    if (op.getInputCount() > 2) {
      in.add(op.getInput(2));
    }
    String out = op.getOutput(0);
    withActivation(a, out, ctx, o -> ctx.node("Conv", in, List.of(o), b.build()));
  }

  /**
   * Deconv2D and DepthwiseDeconv2d of an ONNX or Caffe net as ConvTranspose: filter [M/g, C, kh, kw]
   * back to ONNX's [C, M/g, kh, kw] (group g: 1 for Deconv2D, its group argument for
   * DepthwiseDeconv2d, which is depthwise with group C), the total padding split total/2 before and
   * the rest after (MACE's cut of the full output).
   */
  static void deconv(OperatorDef op, Args a, ImportContext ctx) {
    if (a.i("framework_type", 0) == Formats.FRAMEWORK_TENSORFLOW) {
      throw new IllegalArgumentException(op.getType() + " of a TensorFlow net (output shape input) is not read");
    }
    Tensor filter = ctx.initializers.get(op.getInput(1));
    if (filter == null || filter.rank() != 4) {
      throw new IllegalArgumentException("the filter '" + op.getInput(1) + "' must be a constant [M/g, C, kh, kw] "
          + "tensor");
    }
    long[] d = filter.dims();
    long group = op.getType().equals("Deconv2D") ? 1 : a.i("group", 1);
    if (op.getType().equals("Deconv2D") && a.i("group", 1) != 1) {
      throw new IllegalArgumentException("Deconv2D with group " + a.i("group", 1) + " is not read; expected 1");
    }
    if (group < 1 || d[1] % group != 0 || (group == d[1] && d[0] != 1)) {
      throw new IllegalArgumentException("group " + group + " does not fit the filter " + java.util.Arrays.toString(d)
          + "; MACE's depthwise deconvolution (group C) takes a [1, C, kh, kw] filter");
    }
    Attributes.Builder b = Attributes.builder();
    long[] strides = a.ints("strides");
    b.ints("strides", strides == null ? new long[] {1, 1} : strides);
    long[] pads = pads(a);
    b.ints("pads", pads == null ? new long[] {0, 0, 0, 0} : pads);
    b.ints("kernel_shape", d[2], d[3]);
    b.set("group", group);
    String w = ctx.constant("filter", Formats.swapFirstAxes(filter));
    List<String> in = new ArrayList<>(List.of(op.getInput(0), w));
    if (op.getInputCount() > 2) {
      in.add(op.getInput(2));
    }
    withActivation(a, op.getOutput(0), ctx, o -> ctx.node("ConvTranspose", in, List.of(o), b.build()));
  }

  /** Emits the op (into a temporary value if MACE fused an activation) and the activation after it. */
  private static void withActivation(Args a, String out, ImportContext ctx, java.util.function.Consumer<String> body) {
    String act = a.s("activation", "NOOP");
    if (act.equals("NOOP")) {
      body.accept(out);
      return;
    }
    String tmp = ctx.temp("pre_act");
    body.accept(tmp);
    activation(act, a, tmp, null, out, ctx);
  }

  static void activation(String type, Args a, String in, String alpha, String out, ImportContext ctx) {
    Attributes none = Attributes.EMPTY;
    switch (type) {
      case "RELU" -> ctx.node("Relu", List.of(in), List.of(out), none);
      case "RELUX" -> ctx.node("Clip", List.of(in, ctx.constant("min", Tensor.scalar(0f)),
          ctx.constant("max", Tensor.scalar(a.f("max_limit", 0f)))), List.of(out), none);
      case "TANH" -> ctx.node("Tanh", List.of(in), List.of(out), none);
      case "SIGMOID" -> ctx.node("Sigmoid", List.of(in), List.of(out), none);
      case "LEAKYRELU" -> ctx.node("LeakyRelu", List.of(in), List.of(out),
          Attributes.builder().set("alpha", a.f("activation_coefficient", 0f)).build());
      case "ELU" -> ctx.node("Elu", List.of(in), List.of(out),
          Attributes.builder().set("alpha", a.f("activation_coefficient", 0f)).build());
      case "HARDSIGMOID" -> ctx.node("HardSigmoid", List.of(in), List.of(out), Attributes.builder()
          .set("alpha", a.f("hardsigmoid_alpha", 0f)).set("beta", a.f("hardsigmoid_beta", 0f)).build());
      case "PRELU" -> {
        if (alpha == null) {
          throw new IllegalArgumentException("PRELU needs its slope as the second input");
        }
        Tensor s = ctx.initializers.get(alpha);
        String slope = alpha;
        if (s != null && s.rank() == 1 && ctx.rank(in) == 4) {
          slope = ctx.constant("slope", Tensor.ofFloats(new long[] {s.dims()[0], 1, 1}, s.toFloatArray()));
        }
        ctx.node("PRelu", List.of(in, slope), List.of(out), none);
      }
      default -> throw new IllegalArgumentException("activation '" + type + "' is not read; expected RELU, RELUX, "
          + "PRELU, TANH, SIGMOID, LEAKYRELU, ELU or HARDSIGMOID");
    }
  }

  static void activationOp(OperatorDef op, Args a, ImportContext ctx) {
    activation(a.s("activation", "NOOP"), a, op.getInput(0), op.getInputCount() > 1 ? op.getInput(1) : null,
        op.getOutput(0), ctx);
  }

  static void pooling(OperatorDef op, Args a, ImportContext ctx) {
    long type = a.i("pooling_type", POOL_AVG);
    String onnx = type == POOL_MAX ? "MaxPool" : type == POOL_AVG ? "AveragePool" : null;
    if (onnx == null) {
      throw new IllegalArgumentException("pooling_type " + type + " is not read; expected 1 (AVG) or 2 (MAX)");
    }
    if (a.i("global_pooling", 0) == 1) {
      ctx.node("Global" + onnx, List.of(op.getInput(0)), List.of(op.getOutput(0)), Attributes.EMPTY);
      return;
    }
    Attributes.Builder b = windowAttrs(a);
    b.ints("kernel_shape", a.ints("kernels"));
    b.set("ceil_mode", a.i("round_mode", 0) == ROUND_CEIL ? 1L : 0L);
    if (type == POOL_AVG) {
      b.set("count_include_pad", 0L);   // MACE averages over the window's valid elements
    }
    ctx.node(onnx, List.of(op.getInput(0)), List.of(op.getOutput(0)), b.build());
  }

  static void reduce(OperatorDef op, Args a, ImportContext ctx) {
    int type = (int) a.i("reduce_type", 0);
    if (type < 0 || type >= REDUCE_ONNX.length) {
      throw new IllegalArgumentException("reduce_type " + type + " is not read; expected 0..4");
    }
    long[] axes = a.ints("axis");
    int rank = ctx.rank(op.getInput(0));
    if (axes != null && a.auto() && rank == 4) {
      for (int i = 0; i < axes.length; i++) {
        axes[i] = Formats.axisToNchw((int) (axes[i] < 0 ? axes[i] + 4 : axes[i]));
      }
    }
    Attributes.Builder b = Attributes.builder().set("keepdims", a.i("keepdims", 0) != 0 ? 1L : 0L);
    List<String> in = new ArrayList<>(List.of(op.getInput(0)));
    if (axes != null) {
      in.add(ctx.constant("axes", ImportContext.longs(axes)));
    }
    ctx.node(REDUCE_ONNX[type], in, List.of(op.getOutput(0)), b.build());
  }

  static void eltwise(OperatorDef op, Args a, ImportContext ctx) {
    int type = (int) a.i("type", 14);
    if (type < 0 || type >= ELTWISE.length) {
      throw new IllegalArgumentException("eltwise type " + type + " is not read; expected one of "
          + String.join(", ", ELTWISE));
    }
    float[] coeff = a.floats("coeff");
    if (coeff.length > 0 && !(coeff.length == 2 && coeff[0] == 1f && coeff[1] == 1f)) {
      throw new IllegalArgumentException("eltwise coefficients " + java.util.Arrays.toString(coeff)
          + " are not read");
    }
    String out = op.getOutput(0);
    if (type == 6 || type == 7) {
      ctx.node(ELTWISE_ONNX[type], List.of(op.getInput(0)), List.of(out), Attributes.EMPTY);
      return;
    }
    String x = op.getInput(0);
    String y;
    if (op.getInputCount() == 1) {
      y = ctx.constant("scalar", Tensor.scalar(a.f("scalar_input", 1f)));
      if (a.i("scalar_input_index", 1) == 0) {
        String t = x;
        x = y;
        y = t;
      }
    } else {
      x = broadcastable(op.getInput(0), op.getInput(1), a, ctx);
      y = broadcastable(op.getInput(1), op.getInput(0), a, ctx);
    }
    if (type == 8) {
      String d = ctx.temp("diff");
      ctx.node("Sub", List.of(x, y), List.of(d), Attributes.EMPTY);
      ctx.node("Mul", List.of(d, d), List.of(out), Attributes.EMPTY);
      return;
    }
    ctx.node(ELTWISE_ONNX[type], List.of(x, y), List.of(out), Attributes.EMPTY);
  }

  /**
   * MACE's broadcast of a smaller operand against a rank-4 one: a vector is per channel when the
   * op has a data format, a rank-2/3 tensor lines up with the leading dims otherwise (Caffe's rule).
   */
  private static String broadcastable(String value, String other, Args a, ImportContext ctx) {
    int r = ctx.rank(value);
    if (ctx.rank(other) != 4 || r >= 4 || r < 1) {
      return value;
    }
    Tensor c = ctx.initializers.get(value);
    long[] d = c != null ? c.dims() : ctx.shapes.get(value);
    if (d == null) {
      return value;
    }
    long[] target;
    if (a.auto()) {
      if (r != 1) {
        return value;
      }
      target = new long[] {1, d[0], 1, 1};
    } else if (r == 2) {
      target = new long[] {d[0], d[1], 1, 1};
    } else if (r == 3) {
      target = new long[] {d[0], d[1], d[2], 1};
    } else {
      return value;
    }
    if (c != null) {
      return ctx.constant("bcast", Tensor.of(c.type(), target, c.toByteArray()));
    }
    String t = ctx.temp("bcast");
    ctx.node("Reshape", List.of(value, ctx.constant("bcast_shape", ImportContext.longs(target))), List.of(t),
        Attributes.EMPTY);
    return t;
  }

  static void concat(OperatorDef op, Args a, ImportContext ctx) {
    int rank = ctx.rank(op.getInput(0));
    long axis = a.i("axis", 3);
    if (axis < 0 && rank > 0) {
      axis += rank;
    }
    if (a.auto() && rank == 4) {
      axis = Formats.axisToNchw((int) axis);
    }
    ctx.node("Concat", op.getInputList(), op.getOutputList(), Attributes.builder().set("axis", axis).build());
  }

  static void split(OperatorDef op, Args a, ImportContext ctx) {
    int rank = ctx.rank(op.getInput(0));
    long axis = a.i("axis", 3);
    if (axis < 0 && rank > 0) {
      axis += rank;
    }
    if (a.auto() && rank == 4) {
      axis = Formats.axisToNchw((int) axis);
    }
    List<String> in = new ArrayList<>(List.of(op.getInput(0)));
    if (op.getInputCount() > 1) {
      Tensor sizes = ctx.initializers.get(op.getInput(1));
      in.add(ctx.constant("split", ImportContext.longs(sizes.toLongArray())));
    } else {
      long[] s = ctx.shapes.get(op.getInput(0));
      if (s == null) {
        throw new IllegalArgumentException("the input's shape is unknown; an equal split needs it");
      }
      long[] parts = new long[op.getOutputCount()];
      java.util.Arrays.fill(parts, s[(int) axis] / parts.length);
      in.add(ctx.constant("split", ImportContext.longs(parts)));
    }
    ctx.node("Split", in, op.getOutputList(), Attributes.builder().set("axis", axis).build());
  }

  static void reshape(OperatorDef op, Args a, ImportContext ctx) {
    long[] dims = a.ints("dim");
    if (dims == null && op.getInputCount() > 1) {
      Tensor t = ctx.initializers.get(op.getInput(1));
      if (t == null) {
        throw new IllegalArgumentException("the shape must be the 'dim' argument or a constant second input");
      }
      dims = t.toLongArray();
    }
    if (dims == null) {
      throw new IllegalArgumentException("no target shape ('dim' argument or second input)");
    }
    if (a.auto() && dims.length == 4) {
      dims = Formats.toNchw(dims);
    }
    ctx.node("Reshape", List.of(op.getInput(0), ctx.constant("shape", ImportContext.longs(dims))),
        List.of(op.getOutput(0)), Attributes.EMPTY);
  }

  static void transpose(OperatorDef op, Args a, ImportContext ctx) {
    long[] dims = a.ints("dims");
    if (a.auto() && dims.length == 4) {
      // the converter wrote base[perm[nhwc[i]]] with base = NHWC→NCHW and nhwc = NCHW→NHWC
      long[] given = dims.clone();
      int[] nhwc = {0, 2, 3, 1};
      int[] baseInv = {0, 2, 3, 1};
      for (int i = 0; i < 4; i++) {
        dims[nhwc[i]] = baseInv[(int) given[i]];
      }
    }
    ctx.node("Transpose", List.of(op.getInput(0)), List.of(op.getOutput(0)),
        Attributes.builder().ints("perm", dims).build());
  }

  static void squeeze(OperatorDef op, Args a, ImportContext ctx) {
    long[] axes = a.ints("axis");
    List<String> in = new ArrayList<>(List.of(op.getInput(0)));
    if (axes != null) {
      if (a.auto() && ctx.rank(op.getInput(0)) == 4) {
        for (int i = 0; i < axes.length; i++) {
          axes[i] = Formats.axisToNchw((int) axes[i]);
        }
      }
      in.add(ctx.constant("axes", ImportContext.longs(axes)));
    }
    ctx.node("Squeeze", in, op.getOutputList(), Attributes.EMPTY);
  }

  static void softmax(OperatorDef op, Args a, ImportContext ctx) {
    int rank = ctx.rank(op.getInput(0));
    if (rank < 0) {
      throw new IllegalArgumentException("the input's rank is unknown");
    }
    // MACE: over channels for an NCHW rank-4 tensor with axis 1, else over the last axis
    long axis = rank == 4 && a.auto() && a.i("axis", 1) == 1 ? 1 : rank - 1;
    String in = op.getInput(0);
    if (a.i("use_log", 0) != 0) {
      ctx.node("LogSoftmax", List.of(in), op.getOutputList(), Attributes.builder().set("axis", axis).build());
    } else {
      ctx.node("Softmax", List.of(in), op.getOutputList(), Attributes.builder().set("axis", axis).build());
    }
  }

  static void matMul(OperatorDef op, Args a, ImportContext ctx) {
    String x = op.getInput(0);
    String w = op.getInput(1);
    String out = op.getOutput(0);
    boolean ta = a.i("transpose_a", 0) != 0;
    boolean tb = a.i("transpose_b", 0) != 0;
    if (ctx.rank(x) == 2 && ctx.rank(w) == 2) {
      List<String> in = new ArrayList<>(List.of(x, w));
      if (op.getInputCount() > 2) {
        in.add(op.getInput(2));
      }
      ctx.node("Gemm", in, List.of(out), Attributes.builder().set("transA", ta ? 1L : 0L)
          .set("transB", tb ? 1L : 0L).build());
      return;
    }
    if (ta) {
      x = swapLast(x, ctx);
    }
    if (tb) {
      w = swapLast(w, ctx);
    }
    if (op.getInputCount() > 2) {
      String t = ctx.temp("matmul");
      ctx.node("MatMul", List.of(x, w), List.of(t), Attributes.EMPTY);
      ctx.node("Add", List.of(t, op.getInput(2)), List.of(out), Attributes.EMPTY);
    } else {
      ctx.node("MatMul", List.of(x, w), List.of(out), Attributes.EMPTY);
    }
  }

  private static String swapLast(String v, ImportContext ctx) {
    int r = ctx.rank(v);
    if (r < 2) {
      throw new IllegalArgumentException("transposed operand '" + v + "' has unknown rank");
    }
    long[] perm = new long[r];
    for (int i = 0; i < r; i++) {
      perm[i] = i;
    }
    perm[r - 2] = r - 1;
    perm[r - 1] = r - 2;
    String t = ctx.temp("t");
    ctx.node("Transpose", List.of(v), List.of(t), Attributes.builder().ints("perm", perm).build());
    return t;
  }

  static void fullyConnected(OperatorDef op, Args a, ImportContext ctx) {
    Tensor w = ctx.initializers.get(op.getInput(1));
    if (w == null) {
      throw new IllegalArgumentException("the weight must be constant");
    }
    long o = w.dims()[0];
    String wt = ctx.constant("weight", Tensor.ofFloats(new long[] {o, w.numElements() / o}, w.toFloatArray()));
    String flat = ctx.temp("flat");
    ctx.node("Flatten", List.of(op.getInput(0)), List.of(flat), Attributes.builder().set("axis", 1L).build());
    List<String> in = new ArrayList<>(List.of(flat, wt));
    if (op.getInputCount() > 2) {
      in.add(op.getInput(2));
    }
    String out = op.getOutput(0);
    String gemm = ctx.temp("gemm");
    withActivation(a, gemm, ctx, g -> ctx.node("Gemm", in, List.of(g), Attributes.builder().set("transB", 1L).build()));
    // MACE's FullyConnected gives [N, O, 1, 1]
    ctx.node("Reshape", List.of(gemm, ctx.constant("shape", ImportContext.longs(0, o, 1, 1))), List.of(out),
        Attributes.EMPTY);
  }

  private static String perChannel(String v, ImportContext ctx) {
    Tensor t = ctx.initializers.get(v);
    if (t == null || t.rank() != 1) {
      return v;
    }
    return ctx.constant("c", Tensor.of(t.type(), new long[] {t.dims()[0], 1, 1}, t.toByteArray()));
  }

  static void batchNorm(OperatorDef op, Args a, ImportContext ctx) {
    String x = op.getInput(0);
    String out = op.getOutput(0);
    if (op.getInputCount() == 5) {
      withActivation(a, out, ctx, o -> ctx.node("BatchNormalization", op.getInputList(), List.of(o),
          Attributes.builder().set("epsilon", a.f("epsilon", 1e-5f)).build()));
      return;
    }
    // folded: y = x * scale + offset, per channel
    String scaled = ctx.temp("scaled");
    ctx.node("Mul", List.of(x, perChannel(op.getInput(1), ctx)), List.of(scaled), Attributes.EMPTY);
    withActivation(a, out, ctx, o -> ctx.node("Add", List.of(scaled, perChannel(op.getInput(2), ctx)), List.of(o),
        Attributes.EMPTY));
  }

  static void biasAdd(OperatorDef op, Args a, ImportContext ctx) {
    String b = ctx.rank(op.getInput(0)) == 4 ? perChannel(op.getInput(1), ctx) : op.getInput(1);
    ctx.node("Add", List.of(op.getInput(0), b), op.getOutputList(), Attributes.EMPTY);
  }

  static void channelShuffle(OperatorDef op, Args a, ImportContext ctx) {
    long g = a.i("group", 1);
    // [N, C, H, W] → [N, g, C/g, H, W] → swap 1 and 2 → [N, C, H, W]
    String r = ctx.temp("groups");
    long[] s = ctx.shapes.get(op.getInput(0));
    if (s == null || s.length != 4) {
      throw new IllegalArgumentException("the input's rank-4 shape is unknown");
    }
    ctx.node("Reshape", List.of(op.getInput(0), ctx.constant("shape5", ImportContext.longs(s[0], g, s[1] / g, s[2],
        s[3]))), List.of(r), Attributes.EMPTY);
    String t = ctx.temp("swapped");
    ctx.node("Transpose", List.of(r), List.of(t), Attributes.builder().ints("perm", 0, 2, 1, 3, 4).build());
    ctx.node("Reshape", List.of(t, ctx.constant("shape4", ImportContext.longs(s))), op.getOutputList(),
        Attributes.EMPTY);
  }

  static void resize(OperatorDef op, Args a, ImportContext ctx) {
    long[] in = ctx.shapes.get(op.getInput(0));
    long[] size = a.ints("size");
    long oh;
    long ow;
    if (size != null) {
      oh = size[0];
      ow = size[1];
    } else if (in != null && a.has("height_scale")) {
      oh = (long) Math.floor(in[2] * a.f("height_scale", 0f));
      ow = (long) Math.floor(in[3] * a.f("width_scale", 0f));
    } else {
      throw new IllegalArgumentException("neither 'size' nor scales (with a known input shape) give the output size");
    }
    if (in == null) {
      throw new IllegalArgumentException("the input's shape is unknown");
    }
    boolean nearest = op.getType().equals("ResizeNearestNeighbor");
    long mode = a.i("coordinate_transformation_mode", 0);
    String ct = a.i("align_corners", 0) != 0 ? "align_corners"
        : mode == 1 || a.i("half_pixel_centers", 0) != 0 ? "half_pixel"
        : mode == 2 ? "pytorch_half_pixel" : "asymmetric";
    Attributes.Builder b = Attributes.builder().set("mode", nearest ? "nearest" : "linear")
        .set("coordinate_transformation_mode", ct);
    if (nearest) {
      b.set("nearest_mode", a.s("nearest_mode", "floor"));
    }
    ctx.node("Resize", List.of(op.getInput(0), "", "", ctx.constant("sizes", ImportContext.longs(in[0], in[1], oh, ow))),
        op.getOutputList(), b.build());
  }

  static void pad(OperatorDef op, Args a, ImportContext ctx) {
    long[] p = a.ints("paddings");
    if (p == null || p.length % 2 != 0) {
      throw new IllegalArgumentException("paddings must be pairs (before, after) per axis");
    }
    int rank = p.length / 2;
    long[] before = new long[rank];
    long[] after = new long[rank];
    for (int i = 0; i < rank; i++) {
      before[i] = p[2 * i];
      after[i] = p[2 * i + 1];
    }
    if (a.auto() && rank == 4) {
      before = Formats.toNchw(before);
      after = Formats.toNchw(after);
    }
    long[] onnx = new long[2 * rank];
    System.arraycopy(before, 0, onnx, 0, rank);
    System.arraycopy(after, 0, onnx, rank, rank);
    long type = a.i("pad_type", 0);
    String mode = type == 0 ? "constant" : type == 1 ? "reflect" : null;
    if (mode == null) {
      throw new IllegalArgumentException("pad_type " + type + " is not read; expected 0 (constant) or 1 (reflect)");
    }
    ctx.node("Pad", List.of(op.getInput(0), ctx.constant("pads", ImportContext.longs(onnx)),
        ctx.constant("value", Tensor.scalar(a.f("constant_value", 0f)))), op.getOutputList(),
        Attributes.builder().set("mode", mode).build());
  }

  static void slice(OperatorDef op, Args a, ImportContext ctx) {
    long[] axes = a.ints("axes");
    long[] starts = a.ints("starts");
    long[] ends = a.ints("ends");
    if (axes == null || starts == null || ends == null || op.getInputCount() > 1) {
      throw new IllegalArgumentException("only Slice with axes/starts/ends arguments is read");
    }
    ctx.node("Slice", List.of(op.getInput(0), ctx.constant("starts", ImportContext.longs(starts)),
        ctx.constant("ends", ImportContext.longs(ends)), ctx.constant("axes", ImportContext.longs(axes))),
        op.getOutputList(), Attributes.EMPTY);
  }

  static void identity(OperatorDef op, Args a, ImportContext ctx) {
    ctx.node("Identity", List.of(op.getInput(0)), List.of(op.getOutput(0)), Attributes.EMPTY);
  }
}
