package dev.mobilize.ir;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One operation of a graph: an operator type (ONNX semantics, or the {@code mobilize} domain for
 * fused forms), named inputs and outputs, and typed attributes. Immutable: passes build new nodes
 * with {@link #toBuilder()}.
 *
 * <p>An empty input name stands for an omitted optional input, as in ONNX.
 *
 * <p>Example:
 * <pre>{@code
 * Node conv = Node.builder("Conv").name("conv1").inputs("x", "w", "b").outputs("y")
 *     .attributes(Attributes.builder().ints("strides", 1, 1).build()).build();
 * }</pre>
 */
public final class Node {

  /** The domain of Mobilize's fused operators. */
  public static final String MOBILIZE_DOMAIN = "mobilize";

  private final String name;
  private final String opType;
  private final String domain;
  private final List<String> inputs;
  private final List<String> outputs;
  private final Attributes attributes;
  private final String docString;

  private Node(Builder b) {
    this.name = Objects.requireNonNull(b.name, "name");
    this.opType = Objects.requireNonNull(b.opType, "opType");
    if (opType.isEmpty()) {
      throw new IllegalArgumentException("node '" + name + "' has an empty op type");
    }
    this.domain = normalizeDomain(b.domain);
    this.inputs = List.copyOf(b.inputs);
    this.outputs = List.copyOf(b.outputs);
    this.attributes = Objects.requireNonNull(b.attributes, "attributes");
    this.docString = b.docString == null ? "" : b.docString;
  }

  /** "" for the default ONNX domain ("ai.onnx" is normalised to ""). */
  static String normalizeDomain(String domain) {
    return domain == null || domain.equals("ai.onnx") ? "" : domain;
  }

  /** A builder for a node of the given op type. */
  public static Builder builder(String opType) {
    return new Builder().opType(opType);
  }

  /** A builder that starts as a copy of this node. */
  public Builder toBuilder() {
    return new Builder().name(name).opType(opType).domain(domain).inputs(inputs).outputs(outputs)
        .attributes(attributes).docString(docString);
  }

  /** The node name; may be empty in imported models. */
  public String name() {
    return name;
  }

  /** The operator type, e.g. {@code Conv}. */
  public String opType() {
    return opType;
  }

  /** The operator domain: "" for standard ONNX, {@value #MOBILIZE_DOMAIN} for fused forms. */
  public String domain() {
    return domain;
  }

  /** The input value names, read-only; "" marks an omitted optional input. */
  public List<String> inputs() {
    return inputs;
  }

  /** Input {@code i}, or "" when the node has fewer inputs. */
  public String input(int i) {
    return i < inputs.size() ? inputs.get(i) : "";
  }

  /** True when input {@code i} is present (not omitted). */
  public boolean hasInput(int i) {
    return !input(i).isEmpty();
  }

  /** The output value names, read-only. */
  public List<String> outputs() {
    return outputs;
  }

  /** Output {@code i}. */
  public String output(int i) {
    return outputs.get(i);
  }

  /** The attributes. */
  public Attributes attributes() {
    return attributes;
  }

  /** The documentation string ("" when none). */
  public String docString() {
    return docString;
  }

  /** {@code 'conv1' (Conv)}, or {@code Conv -> y} for a node without name: how errors name a node. */
  public String describe() {
    String op = domain.isEmpty() ? opType : domain + "." + opType;
    return name.isEmpty()
        ? "(" + op + " producing '" + (outputs.isEmpty() ? "?" : outputs.get(0)) + "')"
        : "'" + name + "' (" + op + ")";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Node n && name.equals(n.name) && opType.equals(n.opType) && domain.equals(n.domain)
        && inputs.equals(n.inputs) && outputs.equals(n.outputs) && attributes.equals(n.attributes)
        && docString.equals(n.docString);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, opType, domain, inputs, outputs, attributes);
  }

  /** {@code %y = Conv(%x, %w, %b) {strides=[1,1]}}. */
  @Override
  public String toString() {
    String outs = outputs.stream().map(o -> "%" + o).collect(Collectors.joining(", "));
    String ins = inputs.stream().map(i -> i.isEmpty() ? "_" : "%" + i).collect(Collectors.joining(", "));
    String op = domain.isEmpty() ? opType : domain + "." + opType;
    String attrs = attributes.isEmpty() ? "" : " " + attributes;
    return outs + " = " + op + "(" + ins + ")" + attrs;
  }

  /** Builds a {@link Node}. */
  public static final class Builder {
    private String name = "";
    private String opType;
    private String domain = "";
    private List<String> inputs = new ArrayList<>();
    private List<String> outputs = new ArrayList<>();
    private Attributes attributes = Attributes.EMPTY;
    private String docString = "";

    private Builder() {}

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public Builder opType(String opType) {
      this.opType = opType;
      return this;
    }

    public Builder domain(String domain) {
      this.domain = domain;
      return this;
    }

    public Builder inputs(List<String> inputs) {
      this.inputs = new ArrayList<>(inputs);
      return this;
    }

    public Builder inputs(String... inputs) {
      return inputs(List.of(inputs));
    }

    /** Replaces input {@code i}, padding with omitted inputs as needed. */
    public Builder input(int i, String value) {
      while (inputs.size() <= i) {
        inputs.add("");
      }
      inputs.set(i, value);
      return this;
    }

    public Builder outputs(List<String> outputs) {
      this.outputs = new ArrayList<>(outputs);
      return this;
    }

    public Builder outputs(String... outputs) {
      return outputs(List.of(outputs));
    }

    public Builder attributes(Attributes attributes) {
      this.attributes = attributes;
      return this;
    }

    public Builder docString(String docString) {
      this.docString = docString;
      return this;
    }

    /** Builds the node; trailing omitted inputs are dropped. */
    public Node build() {
      while (!inputs.isEmpty() && inputs.get(inputs.size() - 1).isEmpty()) {
        inputs.remove(inputs.size() - 1);
      }
      return new Node(this);
    }
  }
}
