package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.FusedOps;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.ModelInspector;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The graph being built from ncnn layers. An ncnn blob {@code (c, h, w)} is the IR value
 * {@code [1, c, h, w]}: ncnn axis {@code k} is IR axis {@code k + 1}. Shapes are inferred on demand
 * (ncnn semantics such as pad_mode and Reshape's 0 depend on the input shape).
 */
final class ImportContext {

  private final Graph.Builder graph = Graph.builder("ncnn");
  private final Map<String, String> alias = new HashMap<>();
  private final ModelInspector inspector;
  private final Map<String, long[]> inputShapes;
  private Map<String, ValueInfo> known = Map.of();
  private int nodesAtInference = -1;
  private int temp;
  final ModelBin.Reader weights;
  NcnnLayer layer;

  ImportContext(ModelInspector inspector, ModelBin.Reader weights, Map<String, long[]> inputShapes) {
    this.inspector = inspector;
    this.weights = weights;
    this.inputShapes = inputShapes;
  }

  /** The IR value of ncnn blob {@code blob} (Split outputs are the split blob itself). */
  String value(String blob) {
    String v = blob;
    while (alias.containsKey(v)) {
      v = alias.get(v);
    }
    return v;
  }

  /** The IR value of the current layer's input {@code i}. */
  String in(int i) {
    if (i >= layer.inputs.size()) {
      throw new IllegalArgumentException("layer '" + layer.name + "' (" + layer.type + ") needs input " + i
          + " but has " + layer.inputs.size() + " inputs");
    }
    return value(layer.inputs.get(i));
  }

  /** The current layer's output {@code i}. */
  String out(int i) {
    if (i >= layer.outputs.size()) {
      throw new IllegalArgumentException("layer '" + layer.name + "' (" + layer.type + ") needs output " + i
          + " but has " + layer.outputs.size() + " outputs");
    }
    return layer.outputs.get(i);
  }

  void alias(String blob, String value) {
    alias.put(blob, value);
  }

  String temp() {
    return layer.name + "_ir" + temp++;
  }

  void input(String name, long[] ncnnDims) {
    long[] given = inputShapes.get(name);
    Shape s;
    if (given != null) {
      s = Shape.of(given);
    } else if (ncnnDims != null) {
      long[] d = new long[ncnnDims.length + 1];
      d[0] = 1;
      System.arraycopy(ncnnDims, 0, d, 1, ncnnDims.length);
      s = Shape.of(d);
    } else {
      s = Shape.UNKNOWN;
    }
    graph.input(new ValueInfo(name, DataType.FLOAT, s));
  }

  /** Adds a constant and returns its name. */
  String constant(String name, Tensor t) {
    graph.initializer(name, t);
    return name;
  }

  String constant(Tensor t) {
    return constant(temp(), t);
  }

  /** Adds a node {@code out = op(ins) {attrs}} named after the layer. */
  void node(String op, List<String> ins, List<String> outs, Attributes attrs) {
    node("", op, ins, outs, attrs);
  }

  void node(String domain, String op, List<String> ins, List<String> outs, Attributes attrs) {
    graph.node(Node.builder(op).domain(domain).name(layer.name + (graph.nodes().isEmpty() ? "" : ""))
        .inputs(ins).outputs(outs).attributes(attrs).build());
  }

  /** The static IR dims of {@code value}, inferring shapes of the graph so far when needed. */
  long[] dims(String value) {
    ValueInfo vi = known.get(value);
    if (vi == null) {
      vi = graph.build().info(value).orElse(null);
    }
    if (vi == null && nodesAtInference != graph.nodes().size()) {
      Graph g = graph.build();
      // shape inference knows ONNX ops: a fused op has the shape of its base op
      List<Node> plain = g.nodes().stream().map(FusedOps::withoutActivation).toList();
      Graph.Builder b = g.toBuilder().nodes(plain).outputs(List.of(new ValueInfo(value, DataType.FLOAT, Shape.UNKNOWN)));
      Model m = inspector.inferShapes(Model.of(b.build(), Map.of("", 21L)));
      Map<String, ValueInfo> all = new HashMap<>(m.graph().valueInfo());
      for (ValueInfo i : m.graph().inputs()) {
        all.put(i.name(), i);
      }
      for (ValueInfo i : m.graph().outputs()) {
        all.put(i.name(), i);
      }
      known = all;
      nodesAtInference = graph.nodes().size();
      vi = known.get(value);
    }
    if (vi == null || !vi.shape().isStatic()) {
      throw new IllegalArgumentException("layer '" + layer.name + "' (" + layer.type + ") needs the shape of '"
          + value + "', which is not known; give the input shapes with input-shape=NAME:1,C,H,W");
    }
    return vi.shape().toArray();
  }


  Graph.Builder graph() {
    return graph;
  }
}
