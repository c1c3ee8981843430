package dev.mobilize.optimize;

import dev.mobilize.ir.Attribute;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A read-only index over one graph for matching: constants, producers, consumers and use counts,
 * known shapes, and fresh names. Built once per scan; never changes the graph.
 */
final class GraphView {

  private final Graph graph;
  private final Map<String, Tensor> constants = new HashMap<>();
  private final Map<String, Node> producers = new HashMap<>();
  private final Map<String, List<Node>> consumers = new HashMap<>();
  private final Set<String> graphOutputs = new HashSet<>();
  private final Set<String> graphInputs = new HashSet<>();
  private final Set<String> names = new HashSet<>();
  private final boolean hasSubgraphs;

  GraphView(Graph graph) {
    this.graph = graph;
    constants.putAll(graph.initializers());
    graph.inputs().forEach(v -> {
      graphInputs.add(v.name());
      constants.remove(v.name()); // an initializer that is also an input can be overridden
    });
    graph.outputs().forEach(v -> graphOutputs.add(v.name()));
    names.addAll(graph.initializers().keySet());
    names.addAll(graphInputs);
    boolean sub = false;
    for (Node n : graph.nodes()) {
      names.add(n.name());
      for (String o : n.outputs()) {
        if (!o.isEmpty()) {
          producers.put(o, n);
          names.add(o);
        }
      }
      for (String in : n.inputs()) {
        if (!in.isEmpty()) {
          consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
        }
      }
      if (n.opType().equals("Constant") && n.domain().isEmpty() && n.attributes().get("value")
          .filter(a -> a instanceof Attribute.TensorValue).isPresent()) {
        constants.put(n.output(0), n.attributes().tensor("value"));
      }
      for (Attribute a : n.attributes().asMap().values()) {
        sub |= a instanceof Attribute.GraphValue || a instanceof Attribute.Graphs;
      }
    }
    this.hasSubgraphs = sub;
  }

  Graph graph() {
    return graph;
  }

  /** The constant value of {@code value}: an initializer or a Constant node's tensor. */
  Optional<Tensor> constant(String value) {
    return Optional.ofNullable(constants.get(value));
  }

  boolean isConstant(String value) {
    return constants.containsKey(value);
  }

  /** The single float of a one-element constant, if {@code value} is one. */
  Optional<Float> scalar(String value) {
    Tensor t = constants.get(value);
    if (t == null || t.numElements() != 1 || !t.type().isFloatingPoint() && !t.type().isInteger()) {
      return Optional.empty();
    }
    return Optional.of(t.toFloatArray()[0]);
  }

  Optional<Node> producer(String value) {
    return Optional.ofNullable(producers.get(value));
  }

  List<Node> consumers(String value) {
    return consumers.getOrDefault(value, List.of());
  }

  /** How many node inputs read {@code value}, plus one if it is a graph output. */
  int uses(String value) {
    return consumers(value).size() + (graphOutputs.contains(value) ? 1 : 0);
  }

  boolean isGraphOutput(String value) {
    return graphOutputs.contains(value);
  }

  boolean isGraphInput(String value) {
    return graphInputs.contains(value);
  }

  /** Nodes of subgraphs may read outer values by name; rules that rename values stay away. */
  boolean hasSubgraphs() {
    return hasSubgraphs;
  }

  /** The known shape of a value (with a rank), if any. */
  Optional<Shape> shape(String value) {
    return graph.info(value).map(ValueInfo::shape).filter(Shape::hasRank);
  }

  /** The static dims of a value, if all are known. */
  Optional<long[]> staticShape(String value) {
    return shape(value).flatMap(Shape::staticDims);
  }

  DataType type(String value) {
    return graph.info(value).map(ValueInfo::type).orElse(DataType.UNDEFINED);
  }

  /**
   * Whether every use of {@code from} can be replaced by {@code to}: always, unless {@code from} is
   * a graph output, in which case {@code to} must be a node's value that only {@code from}'s
   * producer chain reads, so that it can take the output's name.
   */
  boolean canReplace(String from, String to) {
    if (hasSubgraphs) {
      return false;
    }
    if (!graphOutputs.contains(from)) {
      return true;
    }
    return producers.containsKey(to) && !graphOutputs.contains(to) && !graphInputs.contains(to);
  }

  /** A value or node name not used in the graph, {@code base} itself when free. */
  String freshName(String base) {
    String name = base;
    for (int i = 1; names.contains(name); i++) {
      name = base + "_" + i;
    }
    names.add(name);
    return name;
  }
}
