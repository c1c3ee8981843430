package dev.mobilize.mnn;

import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Tensor;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToIntFunction;

/** What an {@link MnnOpWriter} sees: the graph, and the op list it appends to. */
final class ExportContext {

  final Graph graph;
  private final List<MnnExporter.Op> ops;
  private final Set<String> constantsWritten = new HashSet<>();

  ExportContext(Graph graph, List<MnnExporter.Op> ops) {
    this.graph = graph;
    this.ops = ops;
  }

  Tensor constant(String value) {
    return graph.initializer(value).orElse(null);
  }

  Tensor requireConstant(String value, String what) {
    Tensor t = constant(value);
    if (t == null) {
      throw new IllegalArgumentException(what + " '" + value + "' must be a constant for MNN");
    }
    return t;
  }

  /** The value as an op input: a constant is written once as a Const op. */
  String tensor(String value) {
    Tensor t = constant(value);
    if (t != null && constantsWritten.add(value)) {
      ops.add(new MnnExporter.Op("Const", value, List.of(), List.of(value), "Blob", b -> MnnExporter.blob(b, t)));
    }
    return value;
  }

  void op(String type, String name, List<String> inputs, List<String> outputs, String paramType,
      ToIntFunction<FlatBuffers.Builder> param) {
    ops.add(new MnnExporter.Op(type, name, inputs.stream().map(this::tensor).toList(), outputs, paramType, param));
  }
}
