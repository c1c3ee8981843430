package dev.mobilize.tnn;

import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** What layer writers need: the typed graph, its constants, blob aliases, and the net being built. */
final class ExportContext {

  final Graph graph;
  final long opset;
  final TnnNet net = new TnnNet();
  final Map<String, String> aliases = new HashMap<>();
  /** The convolutions written in int8, by their conv node's first output. */
  final Map<String, Int8Convs.Int8Conv> int8;
  /** The fully connected layers written in int8, by their node's first output. */
  final Map<String, Int8Fcs.Int8Fc> int8Fcs;
  /** The weightless ops written in int8 (pooling, Add, Concat, ReLU), by their node's output. */
  final Map<String, Int8Ops.Int8Op> int8Ops;
  /** Outputs of nodes already written as part of another layer (an activation fused into an int8 conv). */
  final Set<String> written = new HashSet<>();
  private final Set<String> names = new HashSet<>();

  ExportContext(Graph graph, long opset, Map<String, Int8Convs.Int8Conv> int8, Map<String, Int8Fcs.Int8Fc> int8Fcs,
      Map<String, Int8Ops.Int8Op> int8Ops) {
    this.graph = graph;
    this.opset = opset;
    this.int8 = int8;
    this.int8Fcs = int8Fcs;
    this.int8Ops = int8Ops;
    for (ValueInfo v : graph.inputs()) {
      names.add(v.name());
    }
    for (Node n : graph.nodes()) {
      names.addAll(n.outputs());
    }
  }

  /** The blob a value is written as (after Identity aliases). */
  String blob(String value) {
    String b = value;
    while (aliases.containsKey(b)) {
      b = aliases.get(b);
    }
    return b;
  }

  /**
   * The layer type of {@code n}: {@code "Quantized" + type} with the blob scales of its inputs and
   * output recorded when it is an int8 op ({@link Int8Ops}), else {@code type}.
   */
  String int8Type(Node n, String type) {
    Int8Ops.Int8Op q = int8Ops.get(n.output(0));
    if (q == null) {
      return type;
    }
    for (int i = 0; i < n.inputs().size(); i++) {
      net.blobScales.put(blob(n.input(i)), q.inputScales()[i]);
    }
    net.blobScales.put(n.output(0), q.outputScale());
    return "Quantized" + type;
  }

  Optional<Tensor> constant(String value) {
    return graph.initializer(value);
  }

  Tensor requireConstant(Node n, int input, String what) {
    return constant(n.input(input)).orElseThrow(() -> new IllegalArgumentException(what + " (input " + input
        + ", '" + n.input(input) + "') must be a constant for TNN"));
  }

  /** Static dims of a value. */
  long[] dims(String value) {
    return graph.info(value).flatMap(v -> v.shape().staticDims()).orElseThrow(() -> new IllegalArgumentException(
        "value '" + value + "' has no static shape; give the inputs fixed shapes (option input-shape)"));
  }

  /** A layer or blob name no value has. */
  String fresh(String base) {
    String n = base.isEmpty() ? "layer" : base;
    for (int i = 1; !names.add(n); i++) {
      n = base + "_" + i;
    }
    return n;
  }

  /** Adds a layer; its name comes from the node (or its first output). */
  TnnNet.Layer layer(String type, Node n, List<String> inputs, List<String> outputs, List<String> params) {
    List<String> ins = new ArrayList<>();
    for (String i : inputs) {
      ins.add(blob(i));
    }
    TnnNet.Layer l = new TnnNet.Layer(type, fresh(n.name().isEmpty() ? n.output(0) : n.name()), ins, outputs, params);
    net.layers.add(l);
    return l;
  }

  void resource(TnnNet.Layer l, List<RawBuffer> buffers) {
    net.resources.put(l.name, new TnnResource(l.type, buffers));
  }

  static List<String> params(Object... values) {
    List<String> p = new ArrayList<>();
    for (Object v : values) {
      p.add(v instanceof Float f ? number(f) : String.valueOf(v));
    }
    return p;
  }

  /** A float as TNN's atof reads it back exactly: "6" or "0.16666667". */
  static String number(float f) {
    return f == Math.rint(f) && Math.abs(f) < 1e7 ? String.valueOf((long) f) : Float.toString(f);
  }
}
