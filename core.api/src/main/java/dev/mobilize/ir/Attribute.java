package dev.mobilize.ir;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A typed node attribute value. One record per ONNX attribute type; lists are copied in and
 * handed out read-only.
 *
 * <p>Example: {@code new Attribute.Ints(new long[] {1, 1})} is {@code strides=[1,1]}.
 */
public sealed interface Attribute {

  /** The ONNX attribute type name: INT, FLOAT, STRING, TENSOR, GRAPH, INTS, FLOATS, STRINGS, TENSORS, GRAPHS. */
  String typeName();

  /** A 64-bit integer. */
  record Int(long value) implements Attribute {
    public String typeName() {
      return "INT";
    }

    @Override
    public String toString() {
      return Long.toString(value);
    }
  }

  /** A 32-bit float. */
  record Float(float value) implements Attribute {
    public String typeName() {
      return "FLOAT";
    }

    @Override
    public String toString() {
      return java.lang.Float.toString(value);
    }
  }

  /** A string (ONNX stores bytes; the IR keeps UTF-8 text). */
  record Str(String value) implements Attribute {
    public Str {
      Objects.requireNonNull(value);
    }

    public String typeName() {
      return "STRING";
    }

    @Override
    public String toString() {
      return '"' + value.replace("\"", "\\\"") + '"';
    }
  }

  /** A tensor constant. */
  record TensorValue(Tensor value) implements Attribute {
    public TensorValue {
      Objects.requireNonNull(value);
    }

    public String typeName() {
      return "TENSOR";
    }

    @Override
    public String toString() {
      return value.toString();
    }
  }

  /** A subgraph (the body of If, Loop, Scan). */
  record GraphValue(Graph value) implements Attribute {
    public GraphValue {
      Objects.requireNonNull(value);
    }

    public String typeName() {
      return "GRAPH";
    }

    @Override
    public String toString() {
      return "graph(" + value.name() + ", " + value.nodes().size() + " nodes)";
    }
  }

  /** A list of 64-bit integers. */
  record Ints(long[] values) implements Attribute {
    public Ints {
      values = values.clone();
    }

    @Override
    public long[] values() {
      return values.clone();
    }

    public String typeName() {
      return "INTS";
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Ints i && Arrays.equals(values, i.values);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
      return Arrays.stream(values).mapToObj(Long::toString).collect(Collectors.joining(",", "[", "]"));
    }
  }

  /** A list of 32-bit floats. */
  record Floats(float[] values) implements Attribute {
    public Floats {
      values = values.clone();
    }

    @Override
    public float[] values() {
      return values.clone();
    }

    public String typeName() {
      return "FLOATS";
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Floats f && Arrays.equals(values, f.values);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < values.length; i++) {
        sb.append(i > 0 ? "," : "").append(values[i]);
      }
      return sb.append(']').toString();
    }
  }

  /** A list of strings. */
  record Strs(List<String> values) implements Attribute {
    public Strs {
      values = List.copyOf(values);
    }

    public String typeName() {
      return "STRINGS";
    }

    @Override
    public String toString() {
      return values.stream().map(v -> '"' + v + '"').collect(Collectors.joining(",", "[", "]"));
    }
  }

  /** A list of tensors. */
  record Tensors(List<Tensor> values) implements Attribute {
    public Tensors {
      values = List.copyOf(values);
    }

    public String typeName() {
      return "TENSORS";
    }
  }

  /** A list of subgraphs. */
  record Graphs(List<Graph> values) implements Attribute {
    public Graphs {
      values = List.copyOf(values);
    }

    public String typeName() {
      return "GRAPHS";
    }
  }
}
