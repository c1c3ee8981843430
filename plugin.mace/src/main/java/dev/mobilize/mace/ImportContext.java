package dev.mobilize.mace;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import dev.mobilize.mace.proto.MaceNet.ConstTensor;
import dev.mobilize.mace.proto.MaceNet.OperatorDef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What op readers add to: nodes, constants, known NCHW shapes, and fresh names. */
final class ImportContext {

  final List<Node> nodes = new ArrayList<>();
  final Map<String, Tensor> initializers = new LinkedHashMap<>();
  /** NCHW dims of values whose shape is known (graph inputs, op output_shape entries). */
  final Map<String, long[]> shapes = new HashMap<>();
  /** The MACE description of each weight (scale and zero point of quantized ones). */
  final Map<String, ConstTensor> constTensors = new HashMap<>();
  /** uint8 values of quantized ops: {scale, zero point}. */
  final Map<String, float[]> uint8 = new HashMap<>();
  private final Set<String> taken = new HashSet<>();
  OperatorDef op;

  ImportContext(Iterable<OperatorDef> ops, Set<String> names) {
    taken.addAll(names);
    for (OperatorDef o : ops) {
      taken.addAll(o.getInputList());
      taken.addAll(o.getOutputList());
    }
  }

  String fresh(String base) {
    String n = base;
    for (int i = 1; !taken.add(n); i++) {
      n = base + "_" + i;
    }
    return n;
  }

  /** A new constant named after the current op. */
  String constant(String suffix, Tensor t) {
    String n = fresh(op.getName() + "_" + suffix);
    initializers.put(n, t);
    return n;
  }

  String temp(String suffix) {
    return fresh(op.getName() + "_" + suffix);
  }

  void node(String type, List<String> inputs, List<String> outputs, Attributes attrs) {
    nodes.add(Node.builder(type).name(fresh(op.getName().isEmpty() ? type : op.getName()))
        .inputs(inputs).outputs(outputs).attributes(attrs).build());
  }

  /** The rank of a value, or -1 when unknown. */
  int rank(String value) {
    long[] s = shapes.get(value);
    if (s != null) {
      return s.length;
    }
    Tensor t = initializers.get(value);
    return t == null ? -1 : t.rank();
  }

  static Tensor longs(long... v) {
    return Tensor.ofLongs(new long[] {v.length}, v);
  }
}
