package dev.mobilize.mnn;

import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToIntFunction;

/** What an {@link MnnOpWriter} sees: the graph, the storage options, and the op list it appends to. */
final class ExportContext {

  final Graph graph;
  /** Store float weights and constants as half (MNNConvert --fp16). */
  final boolean half;
  /** The int8 convolutions of a lowered QDQ graph, by their output value. */
  final Map<String, Int8Lowering.Int8Conv> int8;
  /** Int8 scales of tensors, written as {@code quantInfo}; writers add the tensors they make. */
  final Map<String, Float> scales;
  private final Map<String, String> nc4hw4 = new java.util.HashMap<>();
  private final List<MnnExporter.Op> ops;
  private final Set<String> constantsWritten = new HashSet<>();
  private final Set<String> names = new HashSet<>();

  ExportContext(Graph graph, List<MnnExporter.Op> ops, boolean half, Map<String, Int8Lowering.Int8Conv> int8,
      Map<String, Float> scales) {
    this.graph = graph;
    this.scales = scales;
    this.ops = ops;
    this.half = half;
    this.int8 = int8;
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

  /**
   * {@code x} converted to NC4HW4 (once per value) for an int8 convolution, its copy carrying the int8
   * scale: MNN keeps the int8 tensors of a convolution only in NC4HW4 (with NCHW tensors, its geometry
   * wraps the convolution in layout conversions that drop them, and the convolution runs in float).
   */
  String nc4hw4(String x, float scale) {
    String t = nc4hw4.get(x);
    if (t == null || scales.get(t) != scale) {
      t = fresh(x + "__nc4hw4");
      convertTensor(x, t, MnnSchema.NCHW, MnnSchema.NC4HW4);
      nc4hw4.put(x, t);
      scales.put(t, scale);
    }
    return t;
  }

  /** {@code c4} is {@code x} in NC4HW4 (an int8 convolution wrote it, then converted it to {@code x}). */
  void hasNc4hw4(String x, String c4) {
    nc4hw4.put(x, c4);
  }

  /** A ConvertTensor op from {@code x} to {@code y} between the layouts {@code from} and {@code to}. */
  void convertTensor(String x, String y, int from, int to) {
    op("ConvertTensor", fresh(y + "__convert"), List.of(x), List.of(y), "TensorConvertInfo", b -> {
      b.startTable(2);
      b.addByte(0, from, -1);
      b.addByte(1, to, -1);
      return b.endTable();
    });
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
