package dev.mobilize.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A computation graph: inputs, outputs, constant initializers and topologically ordered nodes
 * connected by named values. Immutable: passes build a new graph with {@link #toBuilder()}.
 *
 * <p>{@link #toString()} prints the IR text form, one node per line:
 * <pre>
 * graph main(%x : f32[1,3,8,8]) -> (%y : f32[1,16,8,8])
 *   %y = Conv(%x, %w) {pads=[1,1,1,1]} : f32[1,16,8,8]
 * </pre>
 *
 * <p>Example:
 * <pre>{@code
 * Graph g = Graph.builder("main")
 *     .input(new ValueInfo("x", DataType.FLOAT, Shape.of(1, 4)))
 *     .node(Node.builder("Relu").inputs("x").outputs("y").build())
 *     .output(new ValueInfo("y", DataType.FLOAT, Shape.of(1, 4)))
 *     .build();
 * }</pre>
 */
public final class Graph {

  private final String name;
  private final List<ValueInfo> inputs;
  private final List<ValueInfo> outputs;
  private final List<Node> nodes;
  private final Map<String, Tensor> initializers;
  private final Map<String, ValueInfo> valueInfo;
  private final String docString;
  private volatile Map<String, Node> producers;

  private Graph(Builder b) {
    this.name = b.name == null ? "" : b.name;
    this.inputs = List.copyOf(b.inputs);
    this.outputs = List.copyOf(b.outputs);
    this.nodes = List.copyOf(b.nodes);
    this.initializers = Collections.unmodifiableMap(new LinkedHashMap<>(b.initializers));
    this.valueInfo = Collections.unmodifiableMap(new LinkedHashMap<>(b.valueInfo));
    this.docString = b.docString == null ? "" : b.docString;
  }

  /** A builder for a graph called {@code name}. */
  public static Builder builder(String name) {
    return new Builder().name(name);
  }

  /** A builder that starts as a copy of this graph. */
  public Builder toBuilder() {
    Builder b = new Builder().name(name).docString(docString);
    b.inputs.addAll(inputs);
    b.outputs.addAll(outputs);
    b.nodes.addAll(nodes);
    b.initializers.putAll(initializers);
    b.valueInfo.putAll(valueInfo);
    return b;
  }

  public String name() {
    return name;
  }

  /** Graph inputs that are not initializers, in order. */
  public List<ValueInfo> inputs() {
    return inputs;
  }

  /** Graph outputs, in order. */
  public List<ValueInfo> outputs() {
    return outputs;
  }

  /** Nodes in topological order. */
  public List<Node> nodes() {
    return nodes;
  }

  /** Constant tensors by value name, in file order. */
  public Map<String, Tensor> initializers() {
    return initializers;
  }

  /** Known types and shapes of intermediate values, by name. */
  public Map<String, ValueInfo> valueInfo() {
    return valueInfo;
  }

  public String docString() {
    return docString;
  }

  /** The initializer called {@code value}, if any. */
  public Optional<Tensor> initializer(String value) {
    return Optional.ofNullable(initializers.get(value));
  }

  /**
   * What is known about a value: from the graph inputs and outputs, the value infos, or the
   * initializers (in that order).
   */
  public Optional<ValueInfo> info(String value) {
    for (ValueInfo v : inputs) {
      if (v.name().equals(value)) {
        return Optional.of(v);
      }
    }
    for (ValueInfo v : outputs) {
      if (v.name().equals(value) && v.type() != DataType.UNDEFINED) {
        return Optional.of(v);
      }
    }
    ValueInfo vi = valueInfo.get(value);
    if (vi != null) {
      return Optional.of(vi);
    }
    Tensor t = initializers.get(value);
    if (t != null) {
      return Optional.of(new ValueInfo(value, t.type(), t.shape()));
    }
    return Optional.empty();
  }

  /** The node that produces {@code value}, if a node does. */
  public Optional<Node> producer(String value) {
    Map<String, Node> p = producers;
    if (p == null) {
      p = new HashMap<>();
      for (Node n : nodes) {
        for (String o : n.outputs()) {
          if (!o.isEmpty()) {
            p.put(o, n);
          }
        }
      }
      producers = p;
    }
    return Optional.ofNullable(p.get(value));
  }

  /** The nodes that read {@code value}, in graph order. */
  public List<Node> consumers(String value) {
    List<Node> out = new ArrayList<>();
    for (Node n : nodes) {
      if (n.inputs().contains(value)) {
        out.add(n);
      }
    }
    return out;
  }

  /** Number of elements in all initializers. */
  public long parameterCount() {
    long n = 0;
    for (Tensor t : initializers.values()) {
      n += t.numElements();
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Graph g && name.equals(g.name) && inputs.equals(g.inputs) && outputs.equals(g.outputs)
        && nodes.equals(g.nodes) && initializers.equals(g.initializers) && valueInfo.equals(g.valueInfo)
        && docString.equals(g.docString);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, inputs, outputs, nodes, initializers.keySet());
  }

  /** The IR text form, one node per line, with the type of each node's first output. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("graph ").append(name).append('(');
    for (int i = 0; i < inputs.size(); i++) {
      sb.append(i > 0 ? ", " : "").append(inputs.get(i));
    }
    sb.append(") -> (");
    for (int i = 0; i < outputs.size(); i++) {
      sb.append(i > 0 ? ", " : "").append(outputs.get(i));
    }
    sb.append(")\n");
    for (Map.Entry<String, Tensor> e : initializers.entrySet()) {
      Tensor t = e.getValue();
      sb.append("  %").append(e.getKey()).append(" = const ").append(t.type().shortName())
          .append(Shape.format(t.dims())).append('\n');
    }
    for (Node n : nodes) {
      sb.append("  ").append(n);
      if (!n.outputs().isEmpty()) {
        info(n.output(0)).filter(v -> v.type() != DataType.UNDEFINED)
            .ifPresent(v -> sb.append(" : ").append(v.typeString()));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /** Builds a {@link Graph}. */
  public static final class Builder {
    private String name = "";
    private final List<ValueInfo> inputs = new ArrayList<>();
    private final List<ValueInfo> outputs = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();
    private final LinkedHashMap<String, Tensor> initializers = new LinkedHashMap<>();
    private final LinkedHashMap<String, ValueInfo> valueInfo = new LinkedHashMap<>();
    private String docString = "";

    private Builder() {}

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public Builder docString(String docString) {
      this.docString = docString;
      return this;
    }

    public Builder input(ValueInfo input) {
      inputs.add(input);
      return this;
    }

    public Builder inputs(List<ValueInfo> list) {
      inputs.clear();
      inputs.addAll(list);
      return this;
    }

    public Builder output(ValueInfo output) {
      outputs.add(output);
      return this;
    }

    public Builder outputs(List<ValueInfo> list) {
      outputs.clear();
      outputs.addAll(list);
      return this;
    }

    public Builder node(Node node) {
      nodes.add(node);
      return this;
    }

    public Builder nodes(List<Node> list) {
      nodes.clear();
      nodes.addAll(list);
      return this;
    }

    public Builder initializer(String value, Tensor tensor) {
      initializers.put(value, tensor);
      return this;
    }

    public Builder initializers(Map<String, Tensor> map) {
      initializers.clear();
      initializers.putAll(map);
      return this;
    }

    public Builder removeInitializer(String value) {
      initializers.remove(value);
      return this;
    }

    public Builder valueInfo(ValueInfo info) {
      valueInfo.put(info.name(), info);
      return this;
    }

    public Builder valueInfos(Map<String, ValueInfo> map) {
      valueInfo.clear();
      valueInfo.putAll(map);
      return this;
    }

    public Builder removeValueInfo(String value) {
      valueInfo.remove(value);
      return this;
    }

    /** The nodes added so far (live view for builders that rewrite in steps). */
    public List<Node> nodes() {
      return nodes;
    }

    public Graph build() {
      return new Graph(this);
    }
  }
}
