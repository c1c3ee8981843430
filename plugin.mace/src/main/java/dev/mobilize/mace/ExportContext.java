package dev.mobilize.mace;

import com.google.protobuf.ByteString;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.mace.proto.MaceNet;
import dev.mobilize.mace.proto.MaceNet.Argument;
import dev.mobilize.mace.proto.MaceNet.ConstTensor;
import dev.mobilize.mace.proto.MaceNet.OperatorDef;
import dev.mobilize.mace.proto.MaceNet.OutputShape;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What op writers add to: the ops, the weights (and their bytes), and which values are NHWC-described. */
final class ExportContext {

  final Graph graph;
  final List<OperatorDef> ops = new ArrayList<>();
  final Map<String, ConstTensor> tensors = new LinkedHashMap<>();
  final ByteArrayOutputStream data = new ByteArrayOutputStream();
  /** Values produced by ops with data_format AUTO (and rank-4 graph inputs): described NHWC. */
  final Set<String> formatted = new HashSet<>();
  private final Set<String> taken = new HashSet<>();
  /** Shapes of values the writers add (not in the graph). */
  private final Map<String, long[]> tempDims = new HashMap<>();
  private final MaceNet.DataType floatType;

  ExportContext(Graph graph, boolean fp16) {
    this.graph = graph;
    this.floatType = fp16 ? MaceNet.DataType.DT_HALF : MaceNet.DataType.DT_FLOAT;
    graph.inputs().forEach(i -> taken.add(i.name()));
    taken.addAll(graph.initializers().keySet());
    graph.nodes().forEach(n -> {
      taken.addAll(n.inputs());
      taken.addAll(n.outputs());
    });
  }

  /** A new value of the same shape as {@code like}: MACE sizes its buffers from every op's output shape. */
  String freshLike(String base, String like) {
    String n = fresh(base);
    long[] d = dims(like);
    if (d != null) {
      tempDims.put(n, d);
    }
    return n;
  }

  /** A new value with the given NCHW dims. */
  String fresh(String base, long[] dims) {
    String n = fresh(base);
    tempDims.put(n, dims);
    return n;
  }

  String fresh(String base) {
    String n = base;
    for (int i = 1; !taken.add(n); i++) {
      n = base + "_" + i;
    }
    return n;
  }

  /** NCHW dims of a value (static), or null. */
  long[] dims(String value) {
    Tensor t = graph.initializers().get(value);
    if (t != null) {
      return t.dims();
    }
    long[] temp = tempDims.get(value);
    if (temp != null) {
      return temp;
    }
    return graph.info(value).flatMap(v -> v.shape().staticDims()).orElse(null);
  }

  int rank(String value) {
    long[] d = dims(value);
    return d == null ? -1 : d.length;
  }

  Tensor constant(String value) {
    return graph.initializers().get(value);
  }

  /**
   * Adds a weight (floats in the chosen float type, integers as int32), 4-byte aligned in the .data.
   * With fp16 only filters and matrices (rank 2 and more) are half; biases and per-channel vectors stay
   * float.
   */
  String weight(String name, Tensor t) {
    return weight(name, t, t.rank() >= 2);
  }

  /**
   * Adds a weight that stays float even with fp16: depthwise filters, whose per-channel rounding (a few
   * percent of the bytes) otherwise grows past 1e-2 relative error through deep networks (MobileNetV2
   * 1.26e-2 with them in half). MACE reads each ConstTensor by its own data type, so the mix loads.
   */
  String floatWeight(String name, Tensor t) {
    return weight(name, t, false);
  }

  private String weight(String name, Tensor t, boolean halfAllowed) {
    if (tensors.containsKey(name)) {
      return name;
    }
    MaceNet.DataType type = !t.type().isFloatingPoint() ? MaceNet.DataType.DT_INT32
        : halfAllowed ? floatType : MaceNet.DataType.DT_FLOAT;
    byte[] bytes = MaceModelFile.bytes(t, type);
    while (data.size() % 4 != 0) {
      data.write(0);
    }
    ConstTensor.Builder c = ConstTensor.newBuilder().setName(name).setDataType(type).setOffset(data.size())
        .setDataSize(t.numElements());
    for (long d : t.dims()) {
      c.addDims(d);
    }
    data.writeBytes(bytes);
    tensors.put(name, c.build());
    return name;
  }

  /** Adds a weight whose bytes are already in MACE's layout (quantized tensors), 4-byte aligned. */
  String rawWeight(ConstTensor.Builder c, long[] dims, byte[] bytes) {
    while (data.size() % 4 != 0) {
      data.write(0);
    }
    long n = 1;
    for (long d : dims) {
      c.addDims(d);
      n *= d;
    }
    c.setOffset(data.size()).setDataSize(n);
    data.writeBytes(bytes);
    tensors.put(c.getName(), c.build());
    return c.getName();
  }

  /** A new weight named after {@code base}. */
  String newWeight(String base, Tensor t) {
    return weight(fresh(base), t);
  }

  /** A new weight named after {@code base} that stays float with fp16 (see {@link #floatWeight}). */
  String newFloatWeight(String base, Tensor t) {
    return floatWeight(fresh(base), t);
  }

  /** Starts an op with MACE's common arguments: T, framework_type and data_format. */
  OperatorDef.Builder op(String type, String name, boolean auto) {
    OperatorDef.Builder b = OperatorDef.newBuilder().setType(type).setName(name);
    b.addArg(intArg("T", MaceNet.DataType.DT_FLOAT_VALUE));
    b.addArg(intArg("framework_type", Formats.FRAMEWORK_ONNX));
    b.addArg(intArg("data_format", auto ? Formats.AUTO : Formats.NCHW));
    return b;
  }

  /** Finishes an op: outputs with their shapes (NHWC for AUTO ops), marked formatted if AUTO. */
  void add(OperatorDef.Builder b, boolean auto, List<String> outputs) {
    for (String o : outputs) {
      b.addOutput(o);
      long[] d = dims(o);
      if (d != null) {
        OutputShape.Builder s = OutputShape.newBuilder();
        for (long x : auto ? Formats.toNhwc(d) : d) {
          s.addDims(x);
        }
        b.addOutputShape(s);
      }
      if (auto && d != null && d.length == 4) {
        formatted.add(o);
      }
    }
    ops.add(b.build());
  }

  /** True when every non-constant input is NHWC-described: the op may then run with data_format AUTO. */
  boolean allFormatted(List<String> inputs) {
    for (String i : inputs) {
      if (!i.isEmpty() && constant(i) == null && !formatted.contains(i)) {
        return false;
      }
    }
    return true;
  }

  static Argument intArg(String name, long v) {
    return Argument.newBuilder().setName(name).setI(v).build();
  }

  static Argument floatArg(String name, float v) {
    return Argument.newBuilder().setName(name).setF(v).build();
  }

  static Argument intsArg(String name, long... v) {
    Argument.Builder a = Argument.newBuilder().setName(name);
    for (long x : v) {
      a.addInts(x);
    }
    return a.build();
  }

  static Argument floatsArg(String name, float... v) {
    Argument.Builder a = Argument.newBuilder().setName(name);
    for (float x : v) {
      a.addFloats(x);
    }
    return a.build();
  }

  static Argument stringArg(String name, String v) {
    return Argument.newBuilder().setName(name).setS(ByteString.copyFrom(v, StandardCharsets.UTF_8)).build();
  }

  ValueInfo info(String value) {
    return graph.info(value).orElse(null);
  }
}
