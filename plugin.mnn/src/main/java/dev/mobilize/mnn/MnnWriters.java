package dev.mobilize.mnn;

import static java.util.Map.entry;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.FusedOps;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The op writers of the MNN exporter, one per IR op type, in one table. */
final class MnnWriters {

  private MnnWriters() {}

  static final Map<String, MnnOpWriter> TABLE = Map.ofEntries(
      entry("Conv", MnnWriters::conv),
      entry(FusedOps.FUSED_CONV, MnnWriters::conv),
      entry("MaxPool", MnnWriters::pool),
      entry("AveragePool", MnnWriters::pool),
      entry("GlobalMaxPool", MnnWriters::pool),
      entry("GlobalAveragePool", MnnWriters::pool),
      entry("Relu", (n, c) -> relu(n, c, 0f)),
      entry("LeakyRelu", (n, c) -> relu(n, c, n.attributes().getFloat("alpha", 0.01f))),
      entry("Clip", MnnWriters::clip),
      entry("Add", (n, c) -> binary(n, c, 0)),
      entry("Sub", (n, c) -> binary(n, c, 1)),
      entry("Mul", (n, c) -> binary(n, c, 2)),
      entry("Div", (n, c) -> binary(n, c, 7)),
      entry("Min", (n, c) -> binary(n, c, 8)),
      entry("Max", (n, c) -> binary(n, c, 9)),
      entry("Sigmoid", (n, c) -> c.op("Sigmoid", name(n), n.inputs(), n.outputs(), null, null)),
      entry("HardSwish", (n, c) -> unary(n, c, 31)),
      entry("Concat", (n, c) -> axis(n, c, "Concat", n.attributes().getInt("axis"))),
      entry("Softmax", (n, c) -> axis(n, c, "Softmax", n.attributes().getInt("axis", -1))),
      entry("Flatten", MnnWriters::flatten),
      entry("Reshape", MnnWriters::reshape),
      entry("Transpose", MnnWriters::transpose),
      entry("MatMul", (n, c) -> matMul(n, c, false)),
      entry("Gemm", MnnWriters::gemm));

  private static String name(Node n) {
    return n.name().isEmpty() ? n.output(0) : n.name();
  }

  /** Convolution2D: weights [oc, ic/group, kh, kw] inline; pads [top, left, bottom, right]; relu/relu6 fused. */
  static void conv(Node n, ExportContext c) {
    Attributes a = n.attributes();
    if (!a.getString("auto_pad", "NOTSET").equals("NOTSET")) {
      throw new IllegalArgumentException("auto_pad " + a.getString("auto_pad") + ": run shape inference to make pads explicit");
    }
    Tensor w = c.requireConstant(n.input(1), "weight");
    long[] wd = w.dims();
    if (wd.length != 4) {
      throw new IllegalArgumentException("only 2-D convolutions are written (weight rank " + wd.length + ")");
    }
    float[] bias = n.hasInput(2) ? c.requireConstant(n.input(2), "bias").toFloatArray() : new float[(int) wd[0]];
    int group = (int) a.getInt("group", 1);
    long[] pads = a.ints("pads", new long[] {0, 0, 0, 0});
    long[] strides = a.ints("strides", new long[] {1, 1});
    long[] dil = a.ints("dilations", new long[] {1, 1});
    boolean relu = false;
    boolean relu6 = false;
    if (n.opType().equals(FusedOps.FUSED_CONV)) {
      String act = a.getString(FusedOps.ACTIVATION);
      float[] p = a.floats(FusedOps.ACTIVATION_PARAMS, new float[0]);
      if (act.equals("Relu")) {
        relu = true;
      } else if (act.equals("Clip") && p.length == 2 && p[0] == 0f && p[1] == 6f) {
        relu6 = true;
      } else {
        throw new IllegalArgumentException("MNN convolutions fuse only Relu and Relu6, not " + act);
      }
    }
    int oc = (int) wd[0];
    int ic = (int) wd[1] * group;
    boolean depthwise = group > 1 && group == oc && wd[1] == 1;
    float[] wf = w.toFloatArray();
    boolean fr = relu;
    boolean fr6 = relu6;
    c.op(depthwise ? "ConvolutionDepthwise" : "Convolution", name(n), List.of(n.input(0)), List.of(n.output(0)),
        "Convolution2D", b -> {
          int padsVec = b.ints(new int[] {(int) pads[0], (int) pads[1], (int) pads[2], (int) pads[3]});
          b.startTable(17);
          b.addInt(2, (int) wd[3], 1);
          b.addInt(3, (int) wd[2], 1);
          b.addInt(4, (int) strides[1], 1);
          b.addInt(5, (int) strides[0], 1);
          b.addInt(6, (int) dil[1], 1);
          b.addInt(7, (int) dil[0], 1);
          b.addInt(9, group, 1);
          b.addInt(10, oc, 0);
          b.addInt(11, ic, 0);
          b.addBool(12, fr, false);
          b.addBool(13, fr6, false);
          b.addOffset(14, padsVec);
          int common = b.endTable();
          int weight = b.floats(wf);
          int bv = b.floats(bias);
          b.startTable(7);
          b.addOffset(0, common);
          b.addOffset(1, weight);
          b.addOffset(2, bv);
          return b.endTable();
        });
  }

  /** Pool: ceilModel defaults to true in MNN, so it is always written. */
  static void pool(Node n, ExportContext c) {
    Attributes a = n.attributes();
    boolean global = n.opType().startsWith("Global");
    boolean max = n.opType().contains("Max");
    if (!global && !a.getString("auto_pad", "NOTSET").equals("NOTSET")) {
      throw new IllegalArgumentException("auto_pad " + a.getString("auto_pad") + " is not written");
    }
    if (!global && a.ints("kernel_shape").length != 2) {
      throw new IllegalArgumentException("only 2-D pooling is written");
    }
    if (a.has("dilations") && Arrays.stream(a.ints("dilations")).anyMatch(d -> d != 1)) {
      throw new IllegalArgumentException("MNN pooling has no dilations");
    }
    long[] k = global ? new long[] {1, 1} : a.ints("kernel_shape");
    long[] s = a.ints("strides", new long[] {1, 1});
    long[] p = a.ints("pads", new long[] {0, 0, 0, 0});
    boolean ceil = a.getInt("ceil_mode", 0) != 0;
    int count = a.getInt("count_include_pad", 0) != 0 ? 1 : 2;
    c.op("Pooling", name(n), List.of(n.input(0)), List.of(n.output(0)), "Pool", b -> {
      int pv = b.ints(new int[] {(int) p[0], (int) p[1], (int) p[2], (int) p[3]});
      b.startTable(13);
      b.addBool(2, global, false);
      b.addInt(3, (int) k[1], 0);
      b.addInt(4, (int) k[0], 0);
      b.addInt(5, (int) s[1], 0);
      b.addInt(6, (int) s[0], 0);
      b.addByte(7, max ? 0 : 1, 0);
      b.addBool(10, ceil, true);
      b.addOffset(11, global ? 0 : pv);
      b.addByte(12, max ? 0 : count, 0);
      return b.endTable();
    });
  }

  static void relu(Node n, ExportContext c, float slope) {
    c.op("ReLU", name(n), List.of(n.input(0)), n.outputs(), "Relu", b -> {
      b.startTable(1);
      b.addFloat(0, slope, 0f);
      return b.endTable();
    });
  }

  static void clip(Node n, ExportContext c) {
    float lo = n.hasInput(1) ? c.requireConstant(n.input(1), "min").toFloatArray()[0] : Float.NEGATIVE_INFINITY;
    float hi = n.hasInput(2) ? c.requireConstant(n.input(2), "max").toFloatArray()[0] : Float.POSITIVE_INFINITY;
    c.op("ReLU6", name(n), List.of(n.input(0)), n.outputs(), "Relu6", b -> {
      b.startTable(2);
      b.addFloat(0, lo, 0f);
      b.addFloat(1, hi, 6f);
      return b.endTable();
    });
  }

  static void binary(Node n, ExportContext c, int op) {
    c.op("BinaryOp", name(n), n.inputs(), n.outputs(), "BinaryOp", b -> {
      b.startTable(3);
      b.addInt(0, op, 0);
      return b.endTable();
    });
  }

  static void unary(Node n, ExportContext c, int op) {
    c.op("UnaryOp", name(n), n.inputs(), n.outputs(), "UnaryOp", b -> {
      b.startTable(3);
      b.addInt(0, op, 0);
      return b.endTable();
    });
  }

  static void axis(Node n, ExportContext c, String type, long axis) {
    c.op(type, name(n), n.inputs(), n.outputs(), "Axis", b -> {
      b.startTable(1);
      b.addInt(0, (int) axis, 0);
      return b.endTable();
    });
  }

  static void flatten(Node n, ExportContext c) {
    long axis = n.attributes().getInt("axis", 1);
    c.op("Flatten", name(n), n.inputs(), n.outputs(), "Flatten", b -> {
      b.startTable(2);
      b.addInt(0, (int) axis, 0);
      return b.endTable();
    });
  }

  static void reshape(Node n, ExportContext c) {
    if (n.attributes().getInt("allowzero", 0) != 0) {
      throw new IllegalArgumentException("allowzero=1 is not written");
    }
    int[] dims = Arrays.stream(c.requireConstant(n.input(1), "shape").toLongArray()).mapToInt(Math::toIntExact).toArray();
    c.op("Reshape", name(n), List.of(n.input(0)), n.outputs(), "Reshape", b -> {
      int d = b.ints(dims);
      b.startTable(2);
      b.addOffset(0, d);
      b.addByte(1, MnnSchema.NCHW, 0);
      return b.endTable();
    });
  }

  static void transpose(Node n, ExportContext c) {
    int[] perm = Arrays.stream(n.attributes().ints("perm")).mapToInt(Math::toIntExact).toArray();
    c.op("Permute", name(n), n.inputs(), n.outputs(), "Permute", b -> {
      int d = b.ints(perm);
      b.startTable(1);
      b.addOffset(0, d);
      return b.endTable();
    });
  }

  static void matMul(Node n, ExportContext c, boolean transB) {
    c.op("MatMul", name(n), n.inputs().subList(0, 2), List.of(n.output(0)), "MatMul", b -> {
      b.startTable(5);
      b.addBool(2, transB, false);
      return b.endTable();
    });
  }

  /** Gemm(a, B, c) with alpha = beta = 1 and no transA: MatMul then BinaryOp ADD. */
  static void gemm(Node n, ExportContext c) {
    Attributes a = n.attributes();
    if (a.getFloat("alpha", 1f) != 1f || a.getFloat("beta", 1f) != 1f || a.getInt("transA", 0) != 0) {
      throw new IllegalArgumentException("Gemm with alpha, beta or transA is not written");
    }
    boolean transB = a.getInt("transB", 0) != 0;
    if (!n.hasInput(2)) {
      matMul(n, c, transB);
      return;
    }
    String mm = n.output(0) + "__matmul";
    c.op("MatMul", name(n), List.of(n.input(0), n.input(1)), List.of(mm), "MatMul", b -> {
      b.startTable(5);
      b.addBool(2, transB, false);
      return b.endTable();
    });
    c.op("BinaryOp", name(n) + "__bias", List.of(mm, n.input(2)), n.outputs(), "BinaryOp", b -> {
      b.startTable(3);
      return b.endTable();
    });
  }
}
