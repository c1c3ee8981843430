package dev.mobilize.mace;

import static java.util.Map.entry;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.FusedOps;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import dev.mobilize.mace.proto.MaceNet.OperatorDef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One writer per IR op, in one table, writing MACE's op conventions: convolutions (written by
 * {@link MaceConvWriters}) with bias and fused activation, total padding values, Pooling, Reduce, Eltwise types, Activation
 * types (HardSwish as HARDSIGMOID times x), Concat, Split, Reshape, Transpose, Softmax, MatMul,
 * BatchNorm (scale and offset), ResizeBilinear/ResizeNearestNeighbor, Pad, Identity. A writer that
 * cannot express its node throws IllegalArgumentException with the reason.
 */
final class MaceWriters {

  private MaceWriters() {}

  @FunctionalInterface
  interface Writer {
    void write(Node n, ExportContext ctx);
  }

  static String key(Node n) {
    return n.domain().isEmpty() ? n.opType() : n.domain() + "." + n.opType();
  }

  static final Map<String, Writer> TABLE = Map.ofEntries(
      entry("Conv", MaceConvWriters::conv),
      entry("mobilize." + FusedOps.FUSED_CONV, MaceConvWriters::conv),
      entry("ConvTranspose", MaceConvWriters::deconv),
      entry("mobilize." + FusedOps.FUSED_CONV_TRANSPOSE, MaceConvWriters::deconv),
      entry("Gemm", MaceWriters::gemm),
      entry("mobilize." + FusedOps.FUSED_GEMM, MaceWriters::gemm),
      entry("MatMul", MaceWriters::matMul),
      entry("MaxPool", MaceWriters::pool),
      entry("AveragePool", MaceWriters::pool),
      entry("GlobalMaxPool", MaceWriters::globalPool),
      entry("GlobalAveragePool", MaceWriters::globalPool),
      entry("ReduceMean", MaceWriters::reduce),
      entry("ReduceMax", MaceWriters::reduce),
      entry("ReduceMin", MaceWriters::reduce),
      entry("ReduceSum", MaceWriters::reduce),
      entry("Relu", MaceWriters::activation),
      entry("Clip", MaceWriters::activation),
      entry("LeakyRelu", MaceWriters::activation),
      entry("Sigmoid", MaceWriters::activation),
      entry("Tanh", MaceWriters::activation),
      entry("HardSigmoid", MaceWriters::activation),
      entry("HardSwish", MaceWriters::activation),
      entry("Elu", MaceWriters::activation),
      entry("PRelu", MaceWriters::prelu),
      entry("Add", MaceWriters::eltwise),
      entry("Sub", MaceWriters::eltwise),
      entry("Mul", MaceWriters::eltwise),
      entry("Div", MaceWriters::eltwise),
      entry("Min", MaceWriters::eltwise),
      entry("Max", MaceWriters::eltwise),
      entry("Pow", MaceWriters::eltwise),
      entry("Neg", MaceWriters::eltwise),
      entry("Abs", MaceWriters::eltwise),
      entry("Concat", MaceWriters::concat),
      entry("Split", MaceWriters::split),
      entry("Slice", MaceWriters::slice),
      entry("Reshape", MaceWriters::reshape),
      entry("Flatten", MaceWriters::reshape),
      entry("Squeeze", MaceWriters::reshape),
      entry("Unsqueeze", MaceWriters::reshape),
      entry("Transpose", MaceWriters::transpose),
      entry("Softmax", MaceWriters::softmax),
      entry("BatchNormalization", MaceWriters::batchNorm),
      entry("Resize", MaceWriters::resize),
      entry("Pad", MaceWriters::pad),
      entry("Identity", MaceWriters::identity),
      entry("Dropout", MaceWriters::identity),
      entry(MaceLowering.CHANNEL_SHUFFLE, MaceWriters::channelShuffle));

  static final Map<String, Integer> ELTWISE = Map.of("Add", 0, "Sub", 1, "Mul", 2, "Div", 3, "Min", 4, "Max", 5,
      "Neg", 6, "Abs", 7, "Pow", 9);

  // ---- convolution -------------------------------------------------------------------------

  /** MACE's total padding [h, w] for ONNX pads, or an error if MACE's split (smaller half first) differs. */
  static long[] totalPads(Node n, long[] pads) {
    if (pads == null) {
      return new long[] {0, 0};
    }
    long h = pads[0] + pads[2];
    long w = pads[1] + pads[3];
    if (pads[0] != h >> 1 || pads[1] != w >> 1) {
      throw new IllegalArgumentException("pads " + Arrays.toString(pads) + " put more padding before than after; "
          + "MACE pads total/2 (rounded down) before and the rest after");
    }
    return new long[] {h, w};
  }

  static void windowArgs(Node n, OperatorDef.Builder b, long[] kernel) {
    Attributes a = n.attributes();
    String autoPad = a.getString("auto_pad", "NOTSET");
    b.addArg(ExportContext.intsArg("strides", a.ints("strides", new long[] {1, 1})));
    b.addArg(ExportContext.intsArg("kernels", kernel));
    switch (autoPad) {
      case "NOTSET" -> b.addArg(ExportContext.intsArg("padding_values", totalPads(n, a.ints("pads", null))));
      case "VALID" -> b.addArg(ExportContext.intsArg("padding_values", 0, 0));
      case "SAME_UPPER" -> b.addArg(ExportContext.intArg("padding", MaceReaders.PAD_SAME));
      default -> throw new IllegalArgumentException("auto_pad " + autoPad + " is not expressible; MACE's SAME puts "
          + "the extra padding after (SAME_UPPER)");
    }
  }

  /** MACE's fused activation arguments, or false if the activation is none MACE fuses. */
  static boolean activationArgs(String act, float[] p, OperatorDef.Builder b) {
    switch (act) {
      case "Relu" -> b.addArg(ExportContext.stringArg("activation", "RELU"));
      case "Clip" -> {
        if (p.length < 2 || p[0] != 0f || !Float.isFinite(p[1])) {
          return false;
        }
        b.addArg(ExportContext.stringArg("activation", "RELUX")).addArg(ExportContext.floatArg("max_limit", p[1]));
      }
      case "LeakyRelu" -> b.addArg(ExportContext.stringArg("activation", "LEAKYRELU"))
          .addArg(ExportContext.floatArg("activation_coefficient", p.length > 0 ? p[0] : 0.01f));
      case "Sigmoid" -> b.addArg(ExportContext.stringArg("activation", "SIGMOID"));
      case "Tanh" -> b.addArg(ExportContext.stringArg("activation", "TANH"));
      case "Elu" -> b.addArg(ExportContext.stringArg("activation", "ELU"))
          .addArg(ExportContext.floatArg("activation_coefficient", p.length > 0 ? p[0] : 1f));
      case "HardSigmoid" -> b.addArg(ExportContext.stringArg("activation", "HARDSIGMOID"))
          .addArg(ExportContext.floatArg("hardsigmoid_alpha", p.length > 0 ? p[0] : 0.2f))
          .addArg(ExportContext.floatArg("hardsigmoid_beta", p.length > 1 ? p[1] : 0.5f));
      default -> {
        return false;
      }
    }
    return true;
  }

  /** Adds the op, with its activation fused where MACE can, else followed by a separate activation. */
  static void withActivation(Node n, OperatorDef.Builder b, String out, ExportContext ctx) {
    boolean auto = isAuto(b);
    if (!n.attributes().has(FusedOps.ACTIVATION)) {
      ctx.add(b, auto, List.of(out));
      return;
    }
    String act = n.attributes().getString(FusedOps.ACTIVATION);
    float[] p = n.attributes().floats(FusedOps.ACTIVATION_PARAMS, new float[0]);
    OperatorDef.Builder probe = OperatorDef.newBuilder();
    if (b.getType().equals("MatMul") || !activationArgs(act, p, probe)) {
      String tmp = ctx.freshLike(out + "_pre_act", out);
      ctx.add(b, auto, List.of(tmp));
      activation(act, p, tmp, out, b.getName() + "_act", ctx);
      return;
    }
    b.addAllArg(probe.getArgList());
    ctx.add(b, auto, List.of(out));
  }

  private static boolean isAuto(OperatorDef.Builder b) {
    return b.getArgList().stream().anyMatch(x -> x.getName().equals("data_format") && x.getI() == Formats.AUTO);
  }

  static void gemm(Node n, ExportContext ctx) {
    Attributes a = n.attributes();
    if (a.getFloat("alpha", 1f) != 1f || a.getFloat("beta", 1f) != 1f || a.getInt("transA", 0) != 0) {
      throw new IllegalArgumentException("Gemm with alpha/beta other than 1 or transA is not expressible; "
          + "run the optimizer (convert without --no-optimize)");
    }
    OperatorDef.Builder b = ctx.op("MatMul", n.name(), false);
    b.addInput(operand(n.input(0), ctx)).addInput(operand(n.input(1), ctx));
    if (n.hasInput(2)) {
      Tensor c = ctx.constant(n.input(2));
      long[] od = ctx.dims(n.output(0));
      if (c == null || od == null || c.numElements() != od[1]) {
        throw new IllegalArgumentException("the bias must be a constant vector of the output width");
      }
      b.addInput(ctx.weight(n.input(2) + (c.rank() == 1 ? "" : "_vec"),
          c.rank() == 1 ? c : Tensor.of(c.type(), new long[] {od[1]}, c.toByteArray())));
    }
    b.addArg(ExportContext.intArg("transpose_a", 0));
    b.addArg(ExportContext.intArg("transpose_b", a.getInt("transB", 0)));
    withActivation(n, b, n.output(0), ctx);
  }

  static void matMul(Node n, ExportContext ctx) {
    OperatorDef.Builder b = ctx.op("MatMul", n.name(), false);
    b.addInput(operand(n.input(0), ctx)).addInput(operand(n.input(1), ctx));
    b.addArg(ExportContext.intArg("transpose_a", 0)).addArg(ExportContext.intArg("transpose_b", 0));
    ctx.add(b, false, n.outputs());
  }

  /** A value, or a constant written as a weight. */
  private static String operand(String v, ExportContext ctx) {
    Tensor t = ctx.constant(v);
    return t == null ? v : ctx.weight(v, t);
  }

  // ---- pooling and reductions --------------------------------------------------------------

  static void pool(Node n, ExportContext ctx) {
    Attributes a = n.attributes();
    long[] k = a.ints("kernel_shape");
    if (k.length != 2) {
      throw new IllegalArgumentException("only 2-D pooling is expressible");
    }
    long[] dil = a.ints("dilations", new long[] {1, 1});
    if (dil[0] != 1 || dil[1] != 1) {
      throw new IllegalArgumentException("dilated pooling is not expressible");
    }
    boolean avg = n.opType().equals("AveragePool");
    long[] pads = a.ints("pads", new long[4]);
    if (avg && a.getInt("count_include_pad", 0) != 0 && Arrays.stream(pads).anyMatch(p -> p != 0)) {
      throw new IllegalArgumentException("average pooling that counts padding is not expressible; MACE averages "
          + "over the window's valid elements");
    }
    OperatorDef.Builder b = ctx.op("Pooling", n.name(), true).addInput(n.input(0));
    windowArgs(n, b, k);
    b.addArg(ExportContext.intArg("pooling_type", avg ? MaceReaders.POOL_AVG : MaceReaders.POOL_MAX));
    b.addArg(ExportContext.intArg("round_mode", a.getInt("ceil_mode", 0) != 0 ? MaceReaders.ROUND_CEIL : 0));
    ctx.add(b, true, n.outputs());
  }

  static void globalPool(Node n, ExportContext ctx) {
    if (ctx.rank(n.input(0)) != 4) {
      throw new IllegalArgumentException("only 2-D global pooling is expressible");
    }
    reduceOp(n, n.opType().equals("GlobalMaxPool") ? 2 : 0, new long[] {2, 3}, true, ctx);
  }

  static void reduce(Node n, ExportContext ctx) {
    int type = Arrays.asList(MaceReaders.REDUCE_ONNX).indexOf(n.opType());
    long[] axes = n.attributes().ints("axes", null);
    if (n.hasInput(1)) {
      Tensor t = ctx.constant(n.input(1));
      if (t == null) {
        throw new IllegalArgumentException("the axes must be constant");
      }
      axes = t.toLongArray();
    }
    int rank = ctx.rank(n.input(0));
    if (axes == null || rank < 0) {
      throw new IllegalArgumentException("reducing over all axes of a tensor of unknown rank is not expressible");
    }
    for (int i = 0; i < axes.length; i++) {
      axes[i] = axes[i] < 0 ? axes[i] + rank : axes[i];
    }
    reduceOp(n, type, axes, n.attributes().getInt("keepdims", 1) != 0, ctx);
  }

  private static void reduceOp(Node n, int type, long[] axes, boolean keep, ExportContext ctx) {
    boolean auto = ctx.rank(n.input(0)) == 4 && keep && ctx.allFormatted(List.of(n.input(0)));
    long[] ax = axes.clone();
    if (auto) {
      for (int i = 0; i < ax.length; i++) {
        ax[i] = Formats.axisToNhwc((int) ax[i]);
      }
      Arrays.sort(ax);
    }
    OperatorDef.Builder b = ctx.op("Reduce", n.name(), auto).addInput(n.input(0));
    b.addArg(ExportContext.intArg("reduce_type", type)).addArg(ExportContext.intsArg("axis", ax))
        .addArg(ExportContext.intArg("keepdims", keep ? 1 : 0));
    if (auto) {
      b.addArg(ExportContext.intArg("has_data_format", 1));
    }
    ctx.add(b, auto, n.outputs());
  }

  // ---- activations -------------------------------------------------------------------------

  static void activation(Node n, ExportContext ctx) {
    Attributes a = n.attributes();
    float[] p = switch (n.opType()) {
      case "Clip" -> clipBounds(n, ctx);
      case "LeakyRelu" -> new float[] {a.getFloat("alpha", 0.01f)};
      case "Elu" -> new float[] {a.getFloat("alpha", 1f)};
      case "HardSigmoid" -> new float[] {a.getFloat("alpha", 0.2f), a.getFloat("beta", 0.5f)};
      default -> new float[0];
    };
    activation(n.opType(), p, n.input(0), n.output(0), n.name(), ctx);
  }

  private static float[] clipBounds(Node n, ExportContext ctx) {
    float lo = Float.NEGATIVE_INFINITY;
    float hi = Float.POSITIVE_INFINITY;
    for (int i = 1; i <= 2; i++) {
      if (n.hasInput(i)) {
        Tensor t = ctx.constant(n.input(i));
        if (t == null) {
          throw new IllegalArgumentException("Clip bounds must be constant");
        }
        if (i == 1) {
          lo = t.toFloatArray()[0];
        } else {
          hi = t.toFloatArray()[0];
        }
      }
    }
    return new float[] {lo, hi};
  }

  /** An activation as MACE ops: Activation, Eltwise CLIP, or HARDSIGMOID/SIGMOID times x. */
  static void activation(String act, float[] p, String in, String out, String name, ExportContext ctx) {
    boolean auto = ctx.allFormatted(List.of(in)) && ctx.rank(in) == 4;
    OperatorDef.Builder b = ctx.op("Activation", name, auto).addInput(in);
    if (act.equals("HardSwish") || act.equals("Swish")) {
      // x * hardsigmoid(x) with alpha 1/6, beta 1/2 (HardSwish), x * sigmoid(x) (Swish)
      String gate = ctx.freshLike(out + "_gate", out);
      if (act.equals("HardSwish")) {
        activationArgs("HardSigmoid", new float[] {1f / 6f, 0.5f}, b);
      } else {
        activationArgs("Sigmoid", new float[0], b);
      }
      hasFormat(b, auto);
      ctx.add(b, auto, List.of(gate));
      OperatorDef.Builder m = ctx.op("Eltwise", name + "_mul", auto).addInput(in).addInput(gate)
          .addArg(ExportContext.intArg("type", 2));
      hasFormat(m, auto);
      ctx.add(m, auto, List.of(out));
      return;
    }
    if (act.equals("Clip") && !(p[0] == 0f && Float.isFinite(p[1]))) {
      OperatorDef.Builder c = ctx.op("Eltwise", name, auto).addInput(in).addArg(ExportContext.intArg("type", 12))
          .addArg(ExportContext.floatsArg("coeff", p[0] == Float.NEGATIVE_INFINITY ? -Float.MAX_VALUE : p[0],
              p[1] == Float.POSITIVE_INFINITY ? Float.MAX_VALUE : p[1]));
      hasFormat(c, auto);
      ctx.add(c, auto, List.of(out));
      return;
    }
    if (!activationArgs(act, p, b)) {
      throw new IllegalArgumentException("activation " + act + " is not expressible in MACE");
    }
    hasFormat(b, auto);
    ctx.add(b, auto, List.of(out));
  }

  private static void hasFormat(OperatorDef.Builder b, boolean auto) {
    if (auto) {
      b.addArg(ExportContext.intArg("has_data_format", 1));
    }
  }

  static void prelu(Node n, ExportContext ctx) {
    Tensor s = ctx.constant(n.input(1));
    long[] d = ctx.dims(n.input(0));
    if (s == null || d == null || d.length < 2 || s.numElements() != d[1]) {
      throw new IllegalArgumentException("PRelu needs a constant slope per channel");
    }
    boolean auto = ctx.allFormatted(List.of(n.input(0))) && d.length == 4;
    OperatorDef.Builder b = ctx.op("Activation", n.name(), auto).addInput(n.input(0))
        .addInput(ctx.newWeight(n.input(1) + "_vec", Tensor.of(s.type(), new long[] {d[1]}, s.toByteArray())))
        .addArg(ExportContext.stringArg("activation", "PRELU"));
    hasFormat(b, auto);
    ctx.add(b, auto, n.outputs());
  }

  // ---- element-wise ------------------------------------------------------------------------

  static void eltwise(Node n, ExportContext ctx) {
    int type = ELTWISE.get(n.opType());
    String out = n.output(0);
    if (n.inputs().size() == 1) {
      boolean auto = ctx.allFormatted(n.inputs()) && ctx.rank(n.input(0)) == 4;
      OperatorDef.Builder b = ctx.op("Eltwise", n.name(), auto).addInput(n.input(0))
          .addArg(ExportContext.intArg("type", type));
      hasFormat(b, auto);
      ctx.add(b, auto, n.outputs());
      return;
    }
    String x = n.input(0);
    String y = n.input(1);
    Tensor cx = ctx.constant(x);
    Tensor cy = ctx.constant(y);
    if (cx != null && cy != null) {
      throw new IllegalArgumentException("both operands are constant (fold them first)");
    }
    Tensor c = cx != null ? cx : cy;
    String v = cx != null ? y : x;
    int vr = ctx.rank(v);
    long[] od = ctx.dims(out);
    if (c != null && c.numElements() == 1) {
      // scalar: one input, the scalar's side in scalar_input_index
      boolean auto = ctx.allFormatted(List.of(v)) && vr == 4;
      OperatorDef.Builder b = ctx.op("Eltwise", n.name(), auto).addInput(v).addArg(ExportContext.intArg("type", type))
          .addArg(ExportContext.floatArg("scalar_input", c.toFloatArray()[0]))
          .addArg(ExportContext.intArg("scalar_input_index", cx != null ? 0 : 1));
      hasFormat(b, auto);
      ctx.add(b, auto, n.outputs());
      return;
    }
    if (c != null) {
      long[] vd = ctx.dims(v);
      if (vd == null || od == null || !Arrays.equals(vd, od)) {
        throw new IllegalArgumentException("the constant operand would broadcast the other one; MACE broadcasts "
            + "the constant side only");
      }
      boolean perChannel = vr == 4 && perChannel(c, vd[1]);
      boolean auto = perChannel && ctx.allFormatted(List.of(v));
      String w;
      if (auto) {
        w = ctx.newWeight((cx != null ? x : y) + "_vec", Tensor.of(c.type(), new long[] {vd[1]}, c.toByteArray()));
      } else {
        // the constant at the full rank of the other operand: numpy broadcasting as MACE does it
        long[] full = new long[vr];
        Arrays.fill(full, 1);
        System.arraycopy(c.dims(), 0, full, vr - c.rank(), c.rank());
        w = ctx.newWeight((cx != null ? x : y) + "_full", Tensor.of(c.type(), full, c.toByteArray()));
      }
      OperatorDef.Builder b = ctx.op("Eltwise", n.name(), auto).addInput(cx != null ? w : v)
          .addInput(cx != null ? v : w).addArg(ExportContext.intArg("type", type));
      hasFormat(b, auto);
      ctx.add(b, auto, n.outputs());
      return;
    }
    long[] xd = ctx.dims(x);
    long[] yd = ctx.dims(y);
    if (xd == null || yd == null || xd.length != yd.length) {
      throw new IllegalArgumentException("operands of different or unknown rank are not expressible");
    }
    boolean auto = ctx.allFormatted(n.inputs()) && xd.length == 4 && Arrays.equals(xd, yd);
    OperatorDef.Builder b = ctx.op("Eltwise", n.name(), auto).addInput(x).addInput(y)
        .addArg(ExportContext.intArg("type", type));
    hasFormat(b, auto);
    ctx.add(b, auto, n.outputs());
  }

  /** A constant of C values along axis 1 of a rank-4 tensor ([C,1,1] or [1,C,1,1]). */
  private static boolean perChannel(Tensor c, long channels) {
    long[] d = c.dims();
    if (c.numElements() != channels) {
      return false;
    }
    return (d.length == 3 && d[0] == channels) || (d.length == 4 && d[1] == channels);
  }

  // ---- shape ops ---------------------------------------------------------------------------

  static void concat(Node n, ExportContext ctx) {
    int rank = ctx.rank(n.output(0));
    long axis = n.attributes().getInt("axis");
    axis = axis < 0 ? axis + rank : axis;
    List<String> ins = new ArrayList<>();
    n.inputs().forEach(i -> ins.add(operand(i, ctx)));
    boolean auto = rank == 4 && ctx.allFormatted(n.inputs()) && n.inputs().stream().noneMatch(i -> ctx.constant(i) != null);
    OperatorDef.Builder b = ctx.op("Concat", n.name(), auto).addAllInput(ins)
        .addArg(ExportContext.intArg("axis", auto ? Formats.axisToNhwc((int) axis) : axis));
    hasFormat(b, auto);
    ctx.add(b, auto, n.outputs());
  }

  static void split(Node n, ExportContext ctx) {
    long[] d = ctx.dims(n.input(0));
    if (d == null) {
      throw new IllegalArgumentException("the input shape must be static");
    }
    long axis = n.attributes().getInt("axis", 0);
    axis = axis < 0 ? axis + d.length : axis;
    long[] sizes = new long[n.outputs().size()];
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = ctx.dims(n.output(i))[(int) axis];
    }
    boolean equal = Arrays.stream(sizes).allMatch(s -> s == sizes[0]);
    boolean auto = d.length == 4 && ctx.allFormatted(List.of(n.input(0)));
    OperatorDef.Builder b = ctx.op("Split", n.name(), auto).addInput(n.input(0))
        .addArg(ExportContext.intArg("axis", auto ? Formats.axisToNhwc((int) axis) : axis));
    if (!equal) {
      b.addInput(ctx.newWeight(n.name() + "_sizes", Tensor.ofInts(new long[] {sizes.length},
          Arrays.stream(sizes).mapToInt(Math::toIntExact).toArray())));
    }
    hasFormat(b, auto);
    ctx.add(b, auto, n.outputs());
  }

  static void slice(Node n, ExportContext ctx) {
    long[] d = ctx.dims(n.input(0));
    long[] od = ctx.dims(n.output(0));
    if (d == null || od == null) {
      throw new IllegalArgumentException("the shapes must be static");
    }
    long[] starts = constLongs(n, 1, ctx);
    long[] axes = n.hasInput(3) ? constLongs(n, 3, ctx) : new long[] {0};
    long[] steps = n.hasInput(4) ? constLongs(n, 4, ctx) : new long[] {1};
    if (starts.length != 1 || axes.length != 1 || steps[0] != 1) {
      throw new IllegalArgumentException("MACE's Slice takes one axis with step 1");
    }
    int axis = (int) (axes[0] < 0 ? axes[0] + d.length : axes[0]);
    long start = starts[0] < 0 ? starts[0] + d[axis] : Math.min(starts[0], d[axis]);
    OperatorDef.Builder b = ctx.op("Slice", n.name(), false).addInput(n.input(0))
        .addArg(ExportContext.intsArg("axes", axis)).addArg(ExportContext.intsArg("starts", start))
        .addArg(ExportContext.intsArg("ends", start + od[axis]));
    ctx.add(b, false, n.outputs());
  }

  private static long[] constLongs(Node n, int i, ExportContext ctx) {
    Tensor t = ctx.constant(n.input(i));
    if (t == null) {
      throw new IllegalArgumentException("input " + i + " must be constant");
    }
    return t.toLongArray();
  }

  /** Reshape, Flatten, Squeeze, Unsqueeze: a Reshape to the static output shape. */
  static void reshape(Node n, ExportContext ctx) {
    long[] od = ctx.dims(n.output(0));
    if (od == null) {
      throw new IllegalArgumentException("the output shape must be static");
    }
    OperatorDef.Builder b = ctx.op("Reshape", n.name(), false).addInput(n.input(0))
        .addArg(ExportContext.intsArg("dim", od));
    ctx.add(b, false, n.outputs());
  }

  static void transpose(Node n, ExportContext ctx) {
    int rank = ctx.rank(n.input(0));
    long[] perm = n.attributes().ints("perm", null);
    if (rank < 2 || rank > 4) {
      throw new IllegalArgumentException("MACE transposes tensors of rank 2 to 4, this one has rank " + rank);
    }
    if (perm == null) {
      perm = new long[rank];
      for (int i = 0; i < rank; i++) {
        perm[i] = rank - 1 - i;
      }
    }
    OperatorDef.Builder b = ctx.op("Transpose", n.name(), false).addInput(n.input(0))
        .addArg(ExportContext.intsArg("dims", perm));
    ctx.add(b, false, n.outputs());
  }

  static void softmax(Node n, ExportContext ctx) {
    int rank = ctx.rank(n.input(0));
    long axis = n.attributes().getInt("axis", -1);
    axis = axis < 0 ? axis + rank : axis;
    boolean auto = rank == 4 && axis == 1 && ctx.allFormatted(n.inputs());
    if (!auto && (axis != rank - 1 || rank == 4)) {
      throw new IllegalArgumentException("MACE's Softmax runs over the channels of an NCHW feature map or the last "
          + "axis of a tensor of rank below 4; axis " + axis + " of rank " + rank + " is neither");
    }
    OperatorDef.Builder b = ctx.op("Softmax", n.name(), auto).addInput(n.input(0))
        .addArg(ExportContext.intArg("axis", auto ? 1 : axis));
    hasFormat(b, auto);
    ctx.add(b, auto, n.outputs());
  }

  static void batchNorm(Node n, ExportContext ctx) {
    Tensor g = ctx.constant(n.input(1));
    Tensor beta = ctx.constant(n.input(2));
    Tensor mean = ctx.constant(n.input(3));
    Tensor var = ctx.constant(n.input(4));
    if (g == null || beta == null || mean == null || var == null || ctx.rank(n.input(0)) != 4) {
      throw new IllegalArgumentException("BatchNormalization needs constant parameters and a rank-4 input");
    }
    float eps = n.attributes().getFloat("epsilon", 1e-5f);
    float[] gf = g.toFloatArray();
    float[] bf = beta.toFloatArray();
    float[] mf = mean.toFloatArray();
    float[] vf = var.toFloatArray();
    float[] scale = new float[gf.length];
    float[] offset = new float[gf.length];
    for (int c = 0; c < gf.length; c++) {
      // scale = γ/√(σ²+ε), offset = β − μ·scale
      scale[c] = (float) (gf[c] / Math.sqrt(vf[c] + (double) eps));
      offset[c] = bf[c] - mf[c] * scale[c];
    }
    long[] cd = {gf.length};
    OperatorDef.Builder b = ctx.op("BatchNorm", n.name(), true).addInput(n.input(0))
        .addInput(ctx.newWeight(n.name() + "_scale", Tensor.ofFloats(cd, scale)))
        .addInput(ctx.newWeight(n.name() + "_offset", Tensor.ofFloats(cd, offset)))
        .addArg(ExportContext.floatArg("epsilon", eps));
    ctx.add(b, true, n.outputs());
  }

  static void resize(Node n, ExportContext ctx) {
    long[] in = ctx.dims(n.input(0));
    long[] od = ctx.dims(n.output(0));
    if (in == null || od == null || in.length != 4 || in[0] != od[0] || in[1] != od[1]) {
      throw new IllegalArgumentException("MACE resizes the spatial axes of a rank-4 tensor with static shapes only");
    }
    Attributes a = n.attributes();
    String mode = a.getString("mode", "nearest");
    String ct = a.getString("coordinate_transformation_mode", "half_pixel");
    boolean nearest = mode.equals("nearest");
    if (!nearest && !mode.equals("linear")) {
      throw new IllegalArgumentException("resize mode " + mode + " is not expressible (nearest, linear)");
    }
    OperatorDef.Builder b = ctx.op(nearest ? "ResizeNearestNeighbor" : "ResizeBilinear", n.name(), true)
        .addInput(n.input(0)).addArg(ExportContext.intsArg("size", od[2], od[3]));
    switch (ct) {
      case "align_corners" -> b.addArg(ExportContext.intArg("align_corners", 1));
      case "half_pixel" -> b.addArg(ExportContext.intArg("coordinate_transformation_mode", 1));
      case "pytorch_half_pixel" -> b.addArg(ExportContext.intArg("coordinate_transformation_mode", 2));
      case "asymmetric" -> { }
      default -> throw new IllegalArgumentException("coordinate_transformation_mode " + ct + " is not expressible");
    }
    if (nearest) {
      String nm = a.getString("nearest_mode", "round_prefer_floor");
      b.addArg(ExportContext.stringArg("nearest_mode", nm));
    }
    ctx.add(b, true, n.outputs());
  }

  static void pad(Node n, ExportContext ctx) {
    String mode = n.attributes().getString("mode", "constant");
    if (!mode.equals("constant") && !mode.equals("reflect")) {
      throw new IllegalArgumentException("pad mode " + mode + " is not expressible (constant, reflect)");
    }
    long[] p = constLongs(n, 1, ctx);
    int rank = p.length / 2;
    if (n.hasInput(3)) {
      throw new IllegalArgumentException("Pad with axes is not expressible");
    }
    long[] paddings = new long[p.length];
    for (int i = 0; i < rank; i++) {
      paddings[2 * i] = p[i];
      paddings[2 * i + 1] = p[i + rank];
    }
    float value = n.hasInput(2) ? ctx.constant(n.input(2)).toFloatArray()[0] : 0f;
    OperatorDef.Builder b = ctx.op("Pad", n.name(), false).addInput(n.input(0))
        .addArg(ExportContext.intsArg("paddings", paddings))
        .addArg(ExportContext.intArg("pad_type", mode.equals("constant") ? 0 : 1))
        .addArg(ExportContext.floatArg("constant_value", value));
    ctx.add(b, false, n.outputs());
  }

  static void identity(Node n, ExportContext ctx) {
    boolean auto = ctx.allFormatted(n.inputs()) && ctx.rank(n.input(0)) == 4;
    OperatorDef.Builder b = ctx.op("Identity", n.name(), auto).addInput(n.input(0));
    ctx.add(b, auto, List.of(n.output(0)));
  }

  static void channelShuffle(Node n, ExportContext ctx) {
    boolean auto = ctx.allFormatted(n.inputs());
    OperatorDef.Builder b = ctx.op("ChannelShuffle", n.name(), auto).addInput(n.input(0))
        .addArg(ExportContext.intArg("group", n.attributes().getInt("group")));
    hasFormat(b, auto);
    ctx.add(b, auto, n.outputs());
  }
}
