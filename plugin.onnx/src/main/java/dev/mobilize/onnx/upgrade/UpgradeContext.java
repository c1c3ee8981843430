package dev.mobilize.onnx.upgrade;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** What a {@link LegacyForm} rewrite may do: add constants and nodes, and ask about values. */
final class UpgradeContext {

  private final Graph original;
  private final Graph.Builder graph;
  private final Set<String> names;
  private final Set<String> used;

  UpgradeContext(Graph original, Graph.Builder graph, Set<String> names, Set<String> used) {
    this.original = original;
    this.graph = graph;
    this.names = names;
    this.used = used;
  }

  /** Adds a constant and returns its (fresh) value name. */
  String constant(String hint, Tensor value) {
    String name = fresh(hint);
    graph.initializer(name, value);
    return name;
  }

  /** Defines an existing value name as a constant (a Constant node's output). */
  void emitConstant(String name, Tensor value) {
    graph.initializer(name, value);
  }

  /** A value name not used anywhere in the model yet. */
  String fresh(String hint) {
    String base = hint.isEmpty() ? "v" : hint;
    String name = base;
    for (int i = 1; names.contains(name); i++) {
      name = base + "_" + i;
    }
    names.add(name);
    return name;
  }

  /** Adds a node in place of the one being rewritten (in order). */
  void emit(Node node) {
    graph.node(node);
  }

  /** True when some node or graph output reads {@code value}. */
  boolean isUsed(String value) {
    return used.contains(value);
  }

  /** The element type of a value, when the file declares it (FLOAT when it does not). */
  DataType typeOf(String value) {
    return original.info(value).map(v -> v.type()).filter(t -> t != DataType.UNDEFINED).orElse(DataType.FLOAT);
  }

  /** The value of a constant input, if it is an initializer. */
  Tensor constantValue(String value) {
    return original.initializer(value).orElse(null);
  }

  /** A float scalar of the given type (FLOAT, FLOAT16 or DOUBLE), e.g. for Clip bounds. */
  static Tensor scalar(DataType type, float value) {
    return switch (type) {
      case FLOAT16 -> Tensor.ofHalfs(new long[0], value);
      case DOUBLE -> {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putDouble(value).flip();
        yield Tensor.wrap(DataType.DOUBLE, new long[0], b);
      }
      default -> Tensor.scalar(value);
    };
  }

  /** An int64 vector constant, e.g. for axes. */
  String axes(String hint, long[] values) {
    return constant(hint, Tensor.vector(values));
  }

  static List<String> withInput(List<String> inputs, int index, String value) {
    java.util.ArrayList<String> out = new java.util.ArrayList<>(inputs);
    while (out.size() <= index) {
      out.add("");
    }
    out.set(index, value);
    return out;
  }

  static Set<String> namesOf(Graph g) {
    Set<String> s = new HashSet<>(g.initializers().keySet());
    g.inputs().forEach(v -> s.add(v.name()));
    for (Node n : g.nodes()) {
      s.addAll(n.inputs());
      s.addAll(n.outputs());
    }
    return s;
  }
}
