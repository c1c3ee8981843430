package dev.mobilize.mnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What an {@link MnnOpReader} sees: the op being read, its tensors by IR value name, and the graph being built. */
final class ImportContext {

  final Graph.Builder graph = Graph.builder("main");
  private final List<String> tensorNames;
  private final Set<String> used = new HashSet<>();
  private final Map<String, Tensor> constants = new HashMap<>();
  /** Values known to be scalars (ranks). */
  final Set<String> scalars = new HashSet<>();
  /** Int8 scales of tensors ({@code extraTensorDescribe[].quantInfo} of type int8), by tensor index. */
  final Map<Integer, Float> int8Scales = new HashMap<>();
  /** Values that are the DequantizeLinear of an activation pair, with the pair's scale. */
  private final Map<String, Float> pairScale = new HashMap<>();
  /** A value's activation pair: value -> its DequantizeLinear output. */
  private final Map<String, String> pairOf = new HashMap<>();
  int[] inputs = new int[0];
  int[] outputs = new int[0];
  String opName = "";

  ImportContext(List<String> tensorNames) {
    this.tensorNames = tensorNames;
    used.addAll(tensorNames);
  }

  String value(int tensor) {
    return tensorNames.get(tensor);
  }

  String in(int i) {
    if (i >= inputs.length) {
      throw new IllegalArgumentException("needs input " + i + " but has " + inputs.length);
    }
    return value(inputs[i]);
  }

  String out(int i) {
    return value(outputs[i]);
  }

  int inputCount() {
    return inputs.length;
  }

  /** The constant behind input {@code i}, or null when it is computed. */
  Tensor constant(int i) {
    return i < inputs.length ? constants.get(in(i)) : null;
  }

  /** The constant input {@code i} as ints; fails naming the op when it is computed. */
  long[] constantInts(int i, String what) {
    Tensor t = constant(i);
    if (t == null) {
      throw new IllegalArgumentException(what + " (input " + i + ") must be a constant");
    }
    return t.toLongArray();
  }

  /** A value name not used yet, from {@code hint}. */
  String fresh(String hint) {
    String n = hint;
    for (int k = 1; !used.add(n); k++) {
      n = hint + "_" + k;
    }
    return n;
  }

  String constant(String hint, Tensor t) {
    String n = fresh(hint);
    define(n, t);
    return n;
  }

  /** Makes value {@code name} the constant {@code t}. */
  void define(String name, Tensor t) {
    graph.initializer(name, t);
    constants.put(name, t);
  }

  String ints64(String hint, long... v) {
    return constant(hint, Tensor.ofLongs(new long[] {v.length}, v));
  }

  void node(String op, List<String> in, String out, Attributes attrs) {
    graph.node(Node.builder(op).name(fresh(opName + (op.isEmpty() ? "" : "/" + op))).inputs(in).outputs(out)
        .attributes(attrs).build());
  }

  void node(String op, List<String> in, String out) {
    node(op, in, out, Attributes.EMPTY);
  }

  /** The int8 scale of input or output tensor {@code tensor} (an index into the op's tensors), or null. */
  Float int8Scale(int tensor) {
    return int8Scales.get(tensor);
  }

  /**
   * {@code x} as an int8 op reads it: the DequantizeLinear of its activation pair at {@code scale}
   * (made once per value, shared by its readers; a value that is itself such a DequantizeLinear at
   * that scale is read as it is).
   */
  String quantized(String x, float scale) {
    Float s = pairScale.get(x);
    if (s != null && s == scale) {
      return x;
    }
    String dq = pairOf.get(x);
    if (dq != null && pairScale.get(dq) == scale) {
      return dq;
    }
    dq = fresh(x + "_dequantized");
    pair(x, fresh(x + "_quantized"), dq, scale);
    pairOf.put(x, dq);
    return dq;
  }

  /** {@code y = DequantizeLinear(QuantizeLinear(x, scale, 0), scale, 0)}: int8, symmetric, per tensor. */
  void pair(String x, String q, String y, float scale) {
    String s = constant(x + "_scale", Tensor.ofFloats(new long[0], scale));
    String z = constant(x + "_zero_point", Tensor.of(DataType.INT8, new long[0], new byte[1]));
    node("QuantizeLinear", List.of(x, s, z), q);
    node("DequantizeLinear", List.of(q, s, z), y);
    pairScale.put(y, scale);
  }

  /** MNN DataType to IR. */
  static DataType type(int mnn) {
    return switch (mnn) {
      case MnnSchema.DT_FLOAT -> DataType.FLOAT;
      case MnnSchema.DT_INT32 -> DataType.INT32;
      case MnnSchema.DT_INT64 -> DataType.INT64;
      case MnnSchema.DT_UINT8 -> DataType.UINT8;
      case MnnSchema.DT_INT8 -> DataType.INT8;
      case MnnSchema.DT_BOOL -> DataType.BOOL;
      default -> throw new IllegalArgumentException("MNN data type " + mnn + " is not read");
    };
  }

  /** IR DataType to MNN. */
  static int mnnType(DataType t) {
    return switch (t) {
      case FLOAT -> MnnSchema.DT_FLOAT;
      case INT32, INT64 -> MnnSchema.DT_INT32;
      case UINT8, BOOL -> MnnSchema.DT_UINT8;
      case INT8 -> MnnSchema.DT_INT8;
      default -> throw new IllegalArgumentException(t + " has no MNN data type");
    };
  }

  /** A Blob table's data as a tensor. */
  static Tensor blob(FlatBuffers.Table b) {
    int[] d = b.ints(0);
    long[] dims = d == null ? new long[0] : Arrays.stream(d).asLongStream().toArray();
    int type = b.getInt(2, MnnSchema.DT_FLOAT);
    if (b.has(9)) {
      throw new IllegalArgumentException("constant with external data (a .weight file) is not read");
    }
    return switch (type) {
      case MnnSchema.DT_FLOAT -> Tensor.ofFloats(dims, orEmpty(b.floats(7)));
      case MnnSchema.DT_HALF -> Tensor.ofFloats(dims, Half.floats(b.has(3) ? b.bytes(3) : new byte[0]));
      case MnnSchema.DT_INT32 -> Tensor.ofInts(dims, b.has(5) ? b.ints(5) : new int[0]);
      case MnnSchema.DT_INT64 -> Tensor.ofLongs(dims, b.has(6) ? b.longs(6) : new long[0]);
      case MnnSchema.DT_UINT8, MnnSchema.DT_BOOL -> Tensor.of(type == MnnSchema.DT_BOOL ? DataType.BOOL : DataType.UINT8,
          dims, b.has(3) ? b.bytes(3) : new byte[0]);
      case MnnSchema.DT_INT8 -> Tensor.of(DataType.INT8, dims, b.has(4) ? b.bytes(4) : new byte[0]);
      default -> throw new IllegalArgumentException("constant of MNN data type " + type + " is not read");
    };
  }

  private static float[] orEmpty(float[] a) {
    return a == null ? new float[0] : a;
  }

  static Tensor floats(long[] dims, float[] v) {
    ByteBuffer bb = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    bb.asFloatBuffer().put(v);
    return Tensor.of(DataType.FLOAT, dims, bb.array());
  }
}
