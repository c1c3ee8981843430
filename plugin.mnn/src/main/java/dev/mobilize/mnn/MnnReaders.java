package dev.mobilize.mnn;

import static java.util.Map.entry;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The op readers of the MNN importer, one per MNN op type, in one table. Tensors in NC4HW4 are NCHW
 * tensors to the IR, so ConvertTensor between NCHW and NC4HW4 is an identity.
 */
final class MnnReaders {

  private MnnReaders() {}

  static final Map<String, MnnOpReader> TABLE = Map.ofEntries(
      entry("Const", MnnReaders::constant),
      entry("ConvertTensor", MnnReaders::convertTensor),
      entry("Convolution", MnnReaders::convolution),
      entry("ConvolutionDepthwise", MnnReaders::convolution),
      entry("Pooling", MnnReaders::pooling),
      entry("Pooling3D", MnnReaders::pooling3d),
      entry("ReLU", MnnReaders::relu),
      entry("ReLU6", MnnReaders::relu6),
      entry("PReLU", MnnReaders::prelu),
      entry("ELU", (p, c) -> c.node("Elu", List.of(c.in(0)), c.out(0),
          Attributes.builder().set("alpha", p == null ? 0f : p.getFloat(0, 0f)).build())),
      entry("Scale", MnnReaders::scale),
      entry("Identity", (p, c) -> c.node("Identity", List.of(c.in(0)), c.out(0))),
      entry("Cast", MnnReaders::cast),
      entry("BinaryOp", MnnReaders::binary),
      entry("Eltwise", MnnReaders::eltwise),
      entry("UnaryOp", MnnReaders::unary),
      entry("Sigmoid", (p, c) -> c.node("Sigmoid", List.of(c.in(0)), c.out(0))),
      entry("TanH", (p, c) -> c.node("Tanh", List.of(c.in(0)), c.out(0))),
      entry("Concat", MnnReaders::concat),
      entry("Softmax", MnnReaders::softmax),
      entry("Flatten", MnnReaders::flatten),
      entry("Reshape", MnnReaders::reshape),
      entry("Permute", MnnReaders::permute),
      entry("Shape", MnnReaders::shape),
      entry("Rank", MnnReaders::rank),
      entry("Squeeze", (p, c) -> squeeze(p, c, "Squeeze")),
      entry("Unsqueeze", (p, c) -> squeeze(p, c, "Unsqueeze")),
      entry("SliceTf", MnnReaders::sliceTf),
      entry("StridedSlice", MnnReaders::stridedSlice),
      entry("GatherV2", MnnReaders::gather),
      entry("Reduction", MnnReaders::reduction),
      entry("MatMul", MnnReaders::matMul),
      entry("InnerProduct", MnnReaders::innerProduct));

  static void constant(FlatBuffers.Table blob, ImportContext c) {
    c.define(c.out(0), ImportContext.blob(blob));
  }

  static void convertTensor(FlatBuffers.Table p, ImportContext c) {
    int src = p == null ? MnnSchema.NCHW : p.getByte(0, 0);
    int dst = p == null ? MnnSchema.NCHW : p.getByte(1, 0);
    boolean srcNhwc = src == MnnSchema.NHWC;
    boolean dstNhwc = dst == MnnSchema.NHWC;
    if (srcNhwc == dstNhwc) {
      c.node("Identity", List.of(c.in(0)), c.out(0));
    } else {
      throw new IllegalArgumentException("NHWC conversion is not read (only NCHW and NC4HW4)");
    }
  }

  /**
   * Convolution2D: weight [oc, ic/group, kh, kw], pads [top, left, bottom, right], fused relu/relu6.
   * Weights in {@code quanParameter}: IDSTQuan type 3 (fp16) or 4 (raw int8 with per-channel
   * {@code alpha}); with int8 weights and int8 {@code quantInfo} on both its tensors the convolution
   * is MNN's ConvInt8 and reads back as the QDQ pattern ({@link #int8Convolution}).
   */
  static void convolution(FlatBuffers.Table p, ImportContext c) {
    FlatBuffers.Table common = p.table(0);
    FlatBuffers.Table quan = p.table(3);
    FlatBuffers.Table symmetric = p.table(4);
    if (symmetric != null && symmetric.has(0) || p.has(6) || c.inputCount() > 1) {
      throw new IllegalArgumentException("int8 weights in symmetricQuan (the pre-2.0 quantized form), external or "
          + "input-fed convolution weights are not read");
    }
    int kx = common.getInt(2, 1);
    int ky = common.getInt(3, 1);
    int oc = common.getInt(10, 0);
    byte[] int8 = quan == null ? null : int8Weights(quan);
    float[] alpha = int8 == null ? null : alpha(quan, oc);
    float[] w = quan == null ? p.floats(1) : int8 == null ? halfWeights(quan) : dequantize(int8, alpha);
    float[] b = p.floats(2);
    int icPerGroup = w.length / (oc * kx * ky);
    int group = Math.max(1, common.getInt(9, 1));
    Attributes.Builder a = Attributes.builder()
        .ints("kernel_shape", ky, kx)
        .ints("strides", common.getInt(5, 1), common.getInt(4, 1))
        .ints("dilations", common.getInt(7, 1), common.getInt(6, 1));
    if (group > 1) {
      a.set("group", group);
    }
    pads(a, common.getByte(8, 0), common.getInt(0, 0), common.getInt(1, 0), common.ints(14));
    boolean relu = common.getBool(12, false);
    boolean relu6 = common.getBool(13, false);
    long[] dims = {oc, icPerGroup, ky, kx};
    Float sx = c.int8Scale(c.inputs[0]);
    Float sy = c.int8Scale(c.outputs[0]);
    if (int8 != null && sx != null && sy != null) {
      int8Convolution(c, a.build(), Tensor.of(DataType.INT8, dims, int8), alpha, b, sx, sy, relu || relu6);
      return;
    }
    String x = c.in(0);
    String wn = c.constant(c.opName + "_weight", ImportContext.floats(dims, w));
    List<String> ins = new ArrayList<>(List.of(x, wn));
    if (b != null && b.length > 0) {
      ins.add(c.constant(c.opName + "_bias", ImportContext.floats(new long[] {oc}, b)));
    }
    String y = relu || relu6 ? c.fresh(c.out(0) + "_conv") : c.out(0);
    c.node("Conv", ins, y, a.build());
    if (relu6) {
      clip(c, y, c.out(0), 0f, 6f);
    } else if (relu) {
      c.node("Relu", List.of(y), c.out(0));
    }
  }

  /**
   * MNN's ConvInt8 as QDQ: {@code DQ(Q(x, sx)) → Conv(DQ(W_q, alpha), DQ(B_q, sx·alpha)) [→ Relu] →
   * Q(sy) → DQ}. The bias MNN stores in float is {@code B_q · sx · alpha}; the int8 convolution clamps
   * at 0 for relu and relu6 alike (relu6's bound lies in the int8 range's saturation when sy·127 ≤ 6).
   */
  private static void int8Convolution(ImportContext c, Attributes a, Tensor wq, float[] alpha, float[] bias, float sx,
      float sy, boolean relu) {
    int oc = alpha.length;
    String x = c.quantized(c.in(0), sx);
    String w = c.opName + "_weight";
    String wdq = dequantizeConstant(c, w, wq, alpha, Tensor.of(DataType.INT8, new long[] {oc}, new byte[oc]));
    float[] bs = new float[oc];
    int[] bq = new int[oc];
    for (int i = 0; i < oc; i++) {
      bs[i] = sx * alpha[i];
      bq[i] = bias == null || bs[i] == 0 ? 0 : (int) Math.rint(bias[i] / bs[i]);
    }
    String bdq = dequantizeConstant(c, c.opName + "_bias", Tensor.ofInts(new long[] {oc}, bq), bs,
        Tensor.ofInts(new long[] {oc}, new int[oc]));
    String y = c.out(0);
    String conv = c.fresh(y + "_float");
    c.node("Conv", List.of(x, wdq, bdq), conv, a);
    String act = conv;
    if (relu) {
      act = c.fresh(y + "_relu");
      c.node("Relu", List.of(conv), act);
    }
    c.pair(act, c.fresh(y + "_quantized"), y, sy);
  }

  /** {@code DequantizeLinear(q, scale, zero) {axis=0}} of constants named after {@code base}; returns its output. */
  private static String dequantizeConstant(ImportContext c, String base, Tensor q, float[] scale, Tensor zero) {
    String qn = c.constant(base + "_quantized", q);
    String sn = c.constant(base + "_scale", Tensor.ofFloats(new long[] {scale.length}, scale));
    String zn = c.constant(base + "_zero_point", zero);
    String out = c.fresh(base + "_dequantized");
    c.node("DequantizeLinear", List.of(qn, sn, zn), out, Attributes.builder().set("axis", 0L).build());
    return out;
  }

  /** IDSTQuan type 4: raw int8 weights, symmetric ({@code readType} 0); null for other types. */
  private static byte[] int8Weights(FlatBuffers.Table quan) {
    if (quan.getInt(2, 0) != 4) {
      return null;
    }
    if (quan.getInt(9, 0) != 0 || quan.getBool(10, false) || quan.has(13)) {
      throw new IllegalArgumentException("asymmetric, integer-scaled or sparse int8 weights are not read");
    }
    return quan.bytes(0);
  }

  /** The per-output-channel weight scales of IDSTQuan, times its {@code quantScale} (1 when absent or 0). */
  private static float[] alpha(FlatBuffers.Table quan, int oc) {
    float[] alpha = quan.floats(1);
    if (alpha == null || alpha.length != oc) {
      throw new IllegalArgumentException("int8 weights need " + oc + " scales (alpha), found "
          + (alpha == null ? 0 : alpha.length));
    }
    float f = quan.getFloat(4, 0f);
    if (f != 0f && f != 1f) {
      for (int i = 0; i < oc; i++) {
        alpha[i] *= f;
      }
    }
    return alpha;
  }

  private static float[] dequantize(byte[] q, float[] alpha) {
    float[] w = new float[q.length];
    int per = q.length / alpha.length;
    for (int i = 0; i < q.length; i++) {
      w[i] = q[i] * alpha[i / per];
    }
    return w;
  }

  /** IDSTQuan type 3: the weights as IEEE half in {@code buffer} (MNNConvert --fp16). */
  private static float[] halfWeights(FlatBuffers.Table quan) {
    int type = quan.getInt(2, 0);
    if (type != 3) {
      throw new IllegalArgumentException("quantized weights of IDSTQuan type " + type + " are not read (only 3, fp16, "
          + "and 4, int8)");
    }
    return Half.floats(quan.bytes(0));
  }

  /** padMode: CAFFE uses pads (or padX/padY), SAME is SAME_UPPER, VALID none. */
  private static void pads(Attributes.Builder a, int mode, int padX, int padY, int[] pads) {
    if (mode == 2) {
      a.set("auto_pad", "SAME_UPPER");
    } else if (mode == 1) {
      a.ints("pads", 0, 0, 0, 0);
    } else if (pads != null && pads.length >= 4) {
      a.ints("pads", pads[0], pads[1], pads[2], pads[3]);
    } else if (pads != null && pads.length == 2) {
      a.ints("pads", pads[0], pads[1], pads[0], pads[1]);
    } else {
      a.ints("pads", padY, padX, padY, padX);
    }
  }

  static void clip(ImportContext c, String x, String y, float min, float max) {
    String lo = c.constant(y + "_min", Tensor.scalar(min));
    String hi = c.constant(y + "_max", Tensor.scalar(max));
    c.node("Clip", List.of(x, lo, hi), y);
  }

  /** Pool: type MAXPOOL/AVEPOOL, ceilModel (default true), countType INCLUDE_PADDING counts pads. */
  static void pooling(FlatBuffers.Table p, ImportContext c) {
    boolean max = p.getByte(7, 0) == 0;
    if (p.getBool(2, false)) {
      c.node(max ? "GlobalMaxPool" : "GlobalAveragePool", List.of(c.in(0)), c.out(0));
      return;
    }
    Attributes.Builder a = Attributes.builder()
        .ints("kernel_shape", p.getInt(4, 0), p.getInt(3, 0))
        .ints("strides", p.getInt(6, 0), p.getInt(5, 0));
    pads(a, p.getByte(8, 0), p.getInt(0, 0), p.getInt(1, 0), p.ints(11));
    if (p.getBool(10, true)) {
      a.set("ceil_mode", 1);
    }
    if (!max && p.getByte(12, 0) != 2) {
      a.set("count_include_pad", 1);
    }
    c.node(max ? "MaxPool" : "AveragePool", List.of(c.in(0)), c.out(0), a.build());
  }

  static void pooling3d(FlatBuffers.Table p, ImportContext c) {
    if (!p.getBool(5, false)) {
      throw new IllegalArgumentException("only global Pool3D is read");
    }
    c.node(p.getByte(3, 0) == 0 ? "GlobalMaxPool" : "GlobalAveragePool", List.of(c.in(0)), c.out(0));
  }

  static void relu(FlatBuffers.Table p, ImportContext c) {
    float slope = p == null ? 0f : p.getFloat(0, 0f);
    if (slope == 0f) {
      c.node("Relu", List.of(c.in(0)), c.out(0));
    } else {
      c.node("LeakyRelu", List.of(c.in(0)), c.out(0), Attributes.builder().set("alpha", slope).build());
    }
  }

  static void relu6(FlatBuffers.Table p, ImportContext c) {
    float lo = p == null ? 0f : p.getFloat(0, 0f);
    float hi = p == null ? 6f : p.getFloat(1, 6f);
    clip(c, c.in(0), c.out(0), lo, hi);
  }

  /**
   * Scale: y = x·s + b per channel (axis 1), as BatchNormalization with mean 0, variance 1 and
   * epsilon 0, which holds for any rank.
   */
  static void scale(FlatBuffers.Table p, ImportContext c) {
    if (p.has(3)) {
      throw new IllegalArgumentException("Scale with external data is not read");
    }
    float[] s = p.floats(1);
    float[] b = p.floats(2);
    int n = s.length;
    long[] dims = {n};
    String x = c.in(0);
    c.node("BatchNormalization", List.of(x,
        c.constant(c.opName + "_scale", ImportContext.floats(dims, s)),
        c.constant(c.opName + "_bias", ImportContext.floats(dims, b == null || b.length == 0 ? new float[n] : b)),
        c.constant(c.opName + "_mean", ImportContext.floats(dims, new float[n])),
        c.constant(c.opName + "_var", ImportContext.floats(dims, ones(n)))), c.out(0),
        Attributes.builder().set("epsilon", 0f).build());
  }

  private static float[] ones(int n) {
    float[] a = new float[n];
    Arrays.fill(a, 1f);
    return a;
  }

  /** Cast to dstT (MNN's int32 stands for ONNX's int64 too). */
  static void cast(FlatBuffers.Table p, ImportContext c) {
    int dst = p == null ? MnnSchema.DT_FLOAT : p.getInt(1, 0);
    c.node("Cast", List.of(c.in(0)), c.out(0), Attributes.builder().set("to", ImportContext.type(dst).code()).build());
  }

  static void prelu(FlatBuffers.Table p, ImportContext c) {
    float[] slope = p.floats(1);
    String s = c.constant(c.opName + "_slope", ImportContext.floats(new long[] {slope.length, 1, 1}, slope));
    c.node("PRelu", List.of(c.in(0), s), c.out(0));
  }

  static final Map<Integer, String> BINARY = Map.ofEntries(
      entry(0, "Add"), entry(1, "Sub"), entry(2, "Mul"), entry(3, "Div"), entry(6, "Pow"), entry(7, "Div"),
      entry(8, "Min"), entry(9, "Max"), entry(10, "Greater"), entry(11, "GreaterOrEqual"), entry(12, "Less"),
      entry(15, "Equal"), entry(16, "LessOrEqual"));

  static void binary(FlatBuffers.Table p, ImportContext c) {
    int op = p == null ? 0 : p.getInt(0, 0);
    if (foldIntBinary(op, c)) {
      return;
    }
    if ((op == 17 || op == 19) && c.in(0).equals(c.in(1)) && c.scalars.contains(c.in(0))) {
      // r % r of a rank: MNNConvert writes the Gather axis 0 so
      c.define(c.out(0), Tensor.ofInts(new long[0], 0));
      return;
    }
    if (op == 17 || op == 19) {
      // FLOORMOD is Python's %, MOD is C's fmod
      c.node("Mod", List.of(c.in(0), c.in(1)), c.out(0), Attributes.builder().set("fmod", op == 19 ? 1 : 0).build());
      return;
    }
    String onnx = BINARY.get(op);
    if (onnx == null) {
      throw new IllegalArgumentException("BinaryOp operation " + op + " is not read");
    }
    boolean relu = p != null && p.getInt(2, 0) == 1;
    String y = relu ? c.fresh(c.out(0) + "_pre") : c.out(0);
    c.node(onnx, List.of(c.in(0), c.in(1)), y);
    if (relu) {
      c.node("Relu", List.of(y), c.out(0));
    }
  }

  /**
   * Integer arithmetic on constants (MNNConvert leaves such ops for axis computations) is done here,
   * so that what reads the result sees a constant.
   */
  private static boolean foldIntBinary(int op, ImportContext c) {
    Tensor a = c.constant(0);
    Tensor b = c.constant(1);
    if (a == null || b == null || a.type() != DataType.INT32 || b.type() != DataType.INT32
        || (a.numElements() != 1 && b.numElements() != 1 && a.numElements() != b.numElements())) {
      return false;
    }
    int[] x = a.toIntArray();
    int[] y = b.toIntArray();
    int n = Math.max(x.length, y.length);
    int[] r = new int[n];
    for (int i = 0; i < n; i++) {
      int u = x[x.length == 1 ? 0 : i];
      int v = y[y.length == 1 ? 0 : i];
      switch (op) {
        case 0 -> r[i] = u + v;
        case 1 -> r[i] = u - v;
        case 2 -> r[i] = u * v;
        case 3, 7 -> r[i] = u / v;
        case 8 -> r[i] = Math.min(u, v);
        case 9 -> r[i] = Math.max(u, v);
        case 13 -> r[i] = Math.floorDiv(u, v);
        case 17 -> r[i] = Math.floorMod(u, v);
        case 19 -> r[i] = u % v;
        default -> {
          return false;
        }
      }
    }
    c.define(c.out(0), Tensor.ofInts((a.numElements() >= b.numElements() ? a : b).dims(), r));
    return true;
  }

  static void eltwise(FlatBuffers.Table p, ImportContext c) {
    int type = p == null ? 1 : p.getByte(0, 0);
    String op = switch (type) {
      case 0 -> "Mul";
      case 1 -> "Sum";
      case 2 -> "Max";
      case 3 -> "Sub";
      default -> throw new IllegalArgumentException("Eltwise type " + type + " is not read");
    };
    float[] coeff = p == null ? null : p.floats(1);
    if (coeff != null && Arrays.stream(toDouble(coeff)).anyMatch(v -> v != 1.0)) {
      throw new IllegalArgumentException("Eltwise coefficients other than 1 are not read");
    }
    List<String> ins = new ArrayList<>();
    for (int i = 0; i < c.inputCount(); i++) {
      ins.add(c.in(i));
    }
    if (!op.equals("Sum") && !op.equals("Max") && ins.size() != 2) {
      throw new IllegalArgumentException("Eltwise " + op + " needs 2 inputs");
    }
    c.node(op, ins, c.out(0));
  }

  private static double[] toDouble(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  static final Map<Integer, String> UNARY = Map.ofEntries(
      entry(0, "Abs"), entry(1, "Neg"), entry(2, "Floor"), entry(3, "Ceil"), entry(5, "Sqrt"), entry(7, "Exp"),
      entry(8, "Log"), entry(9, "Sin"), entry(10, "Cos"), entry(11, "Tan"), entry(12, "Asin"), entry(13, "Acos"),
      entry(14, "Atan"), entry(15, "Reciprocal"), entry(18, "Acosh"), entry(19, "Sinh"), entry(20, "Asinh"),
      entry(21, "Atanh"), entry(22, "Sign"), entry(23, "Round"), entry(24, "Cosh"), entry(25, "Erf"),
      entry(29, "Sigmoid"), entry(30, "Tanh"), entry(31, "HardSwish"));

  static void unary(FlatBuffers.Table p, ImportContext c) {
    int op = p == null ? 0 : p.getInt(0, 0);
    String x = c.in(0);
    switch (op) {
      case 4 -> c.node("Mul", List.of(x, x), c.out(0));
      case 6 -> {
        String s = c.fresh(c.out(0) + "_sqrt");
        c.node("Sqrt", List.of(x), s);
        c.node("Reciprocal", List.of(s), c.out(0));
      }
      case 34 -> {
        String s = c.fresh(c.out(0) + "_sigmoid");
        c.node("Sigmoid", List.of(x), s);
        c.node("Mul", List.of(x, s), c.out(0));
      }
      default -> {
        String onnx = UNARY.get(op);
        if (onnx == null) {
          throw new IllegalArgumentException("UnaryOp operation " + op + " is not read");
        }
        c.node(onnx, List.of(x), c.out(0));
      }
    }
  }

  static void concat(FlatBuffers.Table p, ImportContext c) {
    List<String> ins = new ArrayList<>();
    for (int i = 0; i < c.inputCount(); i++) {
      ins.add(c.in(i));
    }
    c.node("Concat", ins, c.out(0), Attributes.builder().set("axis", p == null ? 0 : p.getInt(0, 0)).build());
  }

  static void softmax(FlatBuffers.Table p, ImportContext c) {
    c.node("Softmax", List.of(c.in(0)), c.out(0), Attributes.builder().set("axis", p == null ? 1 : p.getInt(0, 0)).build());
  }

  static void flatten(FlatBuffers.Table p, ImportContext c) {
    int axis = p == null ? 1 : p.getInt(0, 0);
    if (p != null && p.getInt(1, 0) != 0) {
      throw new IllegalArgumentException("Flatten with endAxis is not read");
    }
    c.node("Flatten", List.of(c.in(0)), c.out(0), Attributes.builder().set("axis", axis).build());
  }

  static void reshape(FlatBuffers.Table p, ImportContext c) {
    String shape;
    if (c.inputCount() > 1) {
      shape = c.fresh(c.out(0) + "_shape");
      c.node("Cast", List.of(c.in(1)), shape, Attributes.builder().set("to", DataType.INT64.code()).build());
    } else {
      int[] dims = p.ints(0);
      shape = c.ints64(c.out(0) + "_shape", Arrays.stream(dims).asLongStream().toArray());
    }
    c.node("Reshape", List.of(c.in(0), shape), c.out(0));
  }

  static void permute(FlatBuffers.Table p, ImportContext c) {
    long[] perm = Arrays.stream(p.ints(0)).asLongStream().toArray();
    c.node("Transpose", List.of(c.in(0)), c.out(0), Attributes.builder().ints("perm", perm).build());
  }

  /** MNN's Shape gives int32. */
  static void shape(FlatBuffers.Table p, ImportContext c) {
    String s = c.fresh(c.out(0) + "_i64");
    c.node("Shape", List.of(c.in(0)), s);
    c.node("Cast", List.of(s), c.out(0), Attributes.builder().set("to", DataType.INT32.code()).build());
  }

  static void rank(FlatBuffers.Table p, ImportContext c) {
    String s = c.fresh(c.out(0) + "_shape");
    String n = c.fresh(c.out(0) + "_i64");
    c.node("Shape", List.of(c.in(0)), s);
    c.node("Size", List.of(s), n);
    c.node("Cast", List.of(n), c.out(0), Attributes.builder().set("to", DataType.INT32.code()).build());
    c.scalars.add(c.out(0));
  }

  static void squeeze(FlatBuffers.Table p, ImportContext c, String op) {
    int[] dims = p == null ? null : p.ints(0);
    List<String> ins = new ArrayList<>(List.of(c.in(0)));
    if (dims != null && dims.length > 0) {
      ins.add(c.ints64(c.out(0) + "_axes", Arrays.stream(dims).asLongStream().toArray()));
    } else if (c.inputCount() > 1) {
      ins.add(c.ints64(c.out(0) + "_axes", c.constantInts(1, "axes")));
    } else if (op.equals("Unsqueeze")) {
      throw new IllegalArgumentException("Unsqueeze without axes");
    }
    c.node(op, ins, c.out(0));
  }

  /** SliceTf(x, begin, size): size -1 runs to the end. begin and size may be computed. */
  static void sliceTf(FlatBuffers.Table p, ImportContext c) {
    String y = c.out(0);
    String begin = int64(c, c.in(1), y + "_begin");
    String size = int64(c, c.in(2), y + "_size");
    // ends = size < 0 ? max : begin + size
    String sum = c.fresh(y + "_sum");
    c.node("Add", List.of(begin, size), sum);
    String neg = c.fresh(y + "_to_end");
    c.node("Less", List.of(size, c.constant(y + "_zero", Tensor.ofLongs(new long[0], 0))), neg);
    String ends = c.fresh(y + "_ends");
    c.node("Where", List.of(neg, c.constant(y + "_max", Tensor.ofLongs(new long[0], Long.MAX_VALUE)), sum), ends);
    c.node("Slice", List.of(c.in(0), begin, ends), y);
  }

  private static String int64(ImportContext c, String v, String hint) {
    String r = c.fresh(hint);
    c.node("Cast", List.of(v), r, Attributes.builder().set("to", DataType.INT64.code()).build());
    return r;
  }

  /** fromType 1 is ONNX Slice (x, starts, ends, axes, steps); fromType 0 is TensorFlow's, read without masks. */
  static void stridedSlice(FlatBuffers.Table p, ImportContext c) {
    int fromType = p.getInt(7, 0);
    int shrink = 0;
    if (fromType != 1) {
      if (p.getInt(2, 0) != 0 || p.getInt(3, 0) != 0 || p.getInt(4, 0) != 0 || p.getInt(5, 0) != 0) {
        throw new IllegalArgumentException("StridedSlice begin/end/ellipsis/new-axis masks are not read");
      }
      shrink = p.getInt(6, 0);
    }
    String y = shrink != 0 ? c.fresh(c.out(0) + "_slice") : c.out(0);
    List<String> ins = new ArrayList<>(List.of(c.in(0), int64(c, c.in(1), y + "_starts"), int64(c, c.in(2), y + "_ends")));
    if (fromType == 1) {
      for (int i = 3; i < c.inputCount(); i++) {
        ins.add(int64(c, c.in(i), y + (i == 3 ? "_axes" : "_steps")));
      }
    } else if (c.inputCount() > 3) {
      // axes = 0 .. len(begin)-1, so that the strides can follow
      String n = c.fresh(y + "_rank");
      c.node("Size", List.of(ins.get(1)), n);
      String axes = c.fresh(y + "_axes");
      c.node("Range", List.of(c.constant(y + "_r0", Tensor.ofLongs(new long[0], 0)), n,
          c.constant(y + "_r1", Tensor.ofLongs(new long[0], 1))), axes);
      ins.add(axes);
      ins.add(int64(c, c.in(3), y + "_steps"));
    }
    c.node("Slice", ins, y);
    if (shrink != 0) {
      List<Long> sq = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        if ((shrink & (1 << i)) != 0) {
          sq.add((long) i);
        }
      }
      c.node("Squeeze", List.of(y, c.ints64(c.out(0) + "_axes", sq.stream().mapToLong(Long::longValue).toArray())),
          c.out(0));
    }
  }

  static void gather(FlatBuffers.Table p, ImportContext c) {
    long axis = c.inputCount() > 2 ? c.constantInts(2, "axis")[0] : 0;
    c.node("Gather", List.of(c.in(0), c.in(1)), c.out(0), Attributes.builder().set("axis", axis).build());
  }

  static void reduction(FlatBuffers.Table p, ImportContext c) {
    int op = p.getByte(0, 0);
    String onnx = switch (op) {
      case 0 -> "ReduceSum";
      case 2 -> "ReduceSumSquare";
      case 3 -> "ReduceMean";
      case 4 -> "ReduceMax";
      case 5 -> "ReduceMin";
      case 6 -> "ReduceProd";
      default -> throw new IllegalArgumentException("Reduction operation " + op + " is not read");
    };
    int[] dims = p.ints(1);
    List<String> ins = new ArrayList<>(List.of(c.in(0)));
    if (dims != null && dims.length > 0) {
      ins.add(c.ints64(c.out(0) + "_axes", Arrays.stream(dims).asLongStream().toArray()));
    } else if (c.inputCount() > 1) {
      ins.add(c.ints64(c.out(0) + "_axes", c.constantInts(1, "axes")));
    }
    c.node(onnx, ins, c.out(0), Attributes.builder().set("keepdims", p.getBool(3, false) ? 1 : 0).build());
  }

  /** MatMul(a, b) with transposeA/transposeB. */
  static void matMul(FlatBuffers.Table p, ImportContext c) {
    String a = c.in(0);
    String b = c.in(1);
    if (p != null && p.getBool(1, false)) {
      throw new IllegalArgumentException("MatMul transposeA is not read");
    }
    if (p != null && p.getBool(2, false)) {
      String t = c.fresh(b + "_t");
      c.node("Transpose", List.of(b), t, Attributes.builder().ints("perm", 1, 0).build());
      b = t;
    }
    List<String> ins = List.of(a, b);
    if (c.inputCount() > 2) {
      String m = c.fresh(c.out(0) + "_mm");
      c.node("MatMul", ins, m);
      c.node("Add", List.of(m, c.in(2)), c.out(0));
    } else {
      c.node("MatMul", ins, c.out(0));
    }
  }

  /** InnerProduct: y = flatten(x, axis) · Wᵀ + b with W [outputCount, K]. */
  static void innerProduct(FlatBuffers.Table p, ImportContext c) {
    int oc = p.getInt(0, 0);
    float[] w = p.floats(3);
    float[] b = p.floats(4);
    int axis = p.getInt(5, 1);
    String f = c.fresh(c.out(0) + "_flat");
    c.node("Flatten", List.of(c.in(0)), f, Attributes.builder().set("axis", axis == 0 ? 1 : axis).build());
    List<String> ins = new ArrayList<>(List.of(f,
        c.constant(c.opName + "_weight", ImportContext.floats(new long[] {oc, w.length / oc}, w))));
    if (p.getInt(1, 0) != 0 && b != null) {
      ins.add(c.constant(c.opName + "_bias", ImportContext.floats(new long[] {oc}, b)));
    }
    c.node("Gemm", ins, c.out(0), Attributes.builder().set("transB", 1).build());
  }
}
