package dev.mobilize.mnn;

import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToIntFunction;

/** What an {@link MnnOpWriter} sees: the graph, the storage options, and the op list it appends to. */
final class ExportContext {

  final Graph graph;
  /** Store float weights and constants as half (MNNConvert --fp16). */
  final boolean half;
  private final List<MnnExporter.Op> ops;
  private final Set<String> constantsWritten = new HashSet<>();
  private final Set<String> names = new HashSet<>();

  ExportContext(Graph graph, List<MnnExporter.Op> ops, boolean half) {
    this.graph = graph;
    this.ops = ops;
    this.half = half;
    graph.inputs().forEach(v -> names.add(v.name()));
    names.addAll(graph.initializers().keySet());
    for (Node n : graph.nodes()) {
      names.addAll(n.outputs());
      names.add(n.name());
    }
  }

  /** The constant behind a value: an initializer, or an Identity of one (ONNX exports route weights so). */
  Tensor constant(String value) {
    Optional<Tensor> t = graph.initializer(value);
    if (t.isPresent()) {
      return t.get();
    }
    Optional<Node> p = graph.producer(value);
    return p.isPresent() && p.get().opType().equals("Identity") ? constant(p.get().input(0)) : null;
  }

  Tensor requireConstant(String value, String what) {
    Tensor t = constant(value);
    if (t == null) {
      throw new IllegalArgumentException(what + " '" + value + "' must be a constant for MNN");
    }
    return t;
  }

  /** The static shape of a value, when shape inference knows it. */
  Optional<long[]> shape(String value) {
    Tensor t = constant(value);
    if (t != null) {
      return Optional.of(t.dims());
    }
    Optional<ValueInfo> info = graph.info(value);
    return info.map(ValueInfo::shape).filter(Shape::isStatic).map(Shape::toArray);
  }

  /** A tensor or op name not used in the graph yet, from {@code hint}. */
  String fresh(String hint) {
    String n = hint;
    for (int k = 1; !names.add(n); k++) {
      n = hint + "_" + k;
    }
    return n;
  }

  /** The value as an op input: a constant is written once as a Const op. */
  String tensor(String value) {
    Tensor t = constant(value);
    if (t != null && constantsWritten.add(value)) {
      ops.add(new MnnExporter.Op("Const", value, List.of(), List.of(value), "Blob", b -> ConstBlob.write(b, t, half)));
    }
    return value;
  }

  /** A new constant the graph does not have (an activation's parameter), as a Const op; returns its tensor. */
  String newConstant(String hint, Tensor t) {
    String name = fresh(hint);
    constantsWritten.add(name);
    ops.add(new MnnExporter.Op("Const", name, List.of(), List.of(name), "Blob", b -> ConstBlob.write(b, t, half)));
    return name;
  }

  void op(String type, String name, List<String> inputs, List<String> outputs, String paramType,
      ToIntFunction<FlatBuffers.Builder> param) {
    ops.add(new MnnExporter.Op(type, name, inputs.stream().map(this::tensor).toList(), outputs, paramType, param));
  }

  /** The op name for a node: its name, else its first output. */
  static String name(Node n) {
    return n.name().isEmpty() ? n.output(0) : n.name();
  }
}
