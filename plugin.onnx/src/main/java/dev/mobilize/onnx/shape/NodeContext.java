package dev.mobilize.onnx.shape;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Dim;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.MobilizeException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One node under inference: what is known about its inputs, its attributes, and the outputs a
 * {@link ShapeRule} infers. Absent and unknown inputs read as {@link DataType#UNDEFINED} and
 * {@link Shape#UNKNOWN}.
 */
final class NodeContext {

  private final Node node;
  private final Scope scope;
  private final SymbolNames symbols;
  private final GraphInference graphs;
  private final ValueInfo[] outputs;
  private final KnownValue[] outputValues;
  private final Tensor[] outputConstants;
  private final Map<String, Graph> inferredBodies = new LinkedHashMap<>();

  NodeContext(Node node, Scope scope, SymbolNames symbols, GraphInference graphs) {
    this.node = node;
    this.scope = scope;
    this.symbols = symbols;
    this.graphs = graphs;
    this.outputs = new ValueInfo[node.outputs().size()];
    this.outputValues = new KnownValue[node.outputs().size()];
    this.outputConstants = new Tensor[node.outputs().size()];
  }

  Node node() {
    return node;
  }

  String op() {
    return node.opType();
  }

  Attributes attrs() {
    return node.attributes();
  }

  long intAttr(String name, long defaultValue) {
    return node.attributes().getInt(name, defaultValue);
  }

  long[] intsAttr(String name, long[] defaultValue) {
    return node.attributes().ints(name, defaultValue);
  }

  String stringAttr(String name, String defaultValue) {
    return node.attributes().getString(name, defaultValue);
  }

  // ---- inputs

  int inputCount() {
    return node.inputs().size();
  }

  boolean hasInput(int i) {
    return node.hasInput(i);
  }

  /** Input {@code i}'s name, for messages. */
  String inputName(int i) {
    return node.input(i);
  }

  ValueInfo input(int i) {
    String name = node.input(i);
    if (name.isEmpty()) {
      return ValueInfo.unknown("");
    }
    return scope.info(name).orElse(ValueInfo.unknown(name));
  }

  DataType type(int i) {
    return input(i).type();
  }

  Shape shape(int i) {
    return input(i).shape();
  }

  boolean hasRank(int i) {
    return shape(i).hasRank();
  }

  /** The constant tensor input {@code i} holds (initializer or Constant output), if any. */
  Optional<Tensor> constant(int i) {
    return hasInput(i) ? scope.constant(node.input(i)) : Optional.empty();
  }

  /** The propagated integer value of input {@code i}, if known. */
  Optional<KnownValue> value(int i) {
    return hasInput(i) ? scope.value(node.input(i)) : Optional.empty();
  }

  /** The fixed elements of input {@code i}, if its value is known and not symbolic. */
  Optional<long[]> fixedValue(int i) {
    return value(i).filter(KnownValue::allFixed).map(KnownValue::longs);
  }

  // ---- outputs

  int outputCount() {
    return node.outputs().size();
  }

  /** True when output {@code i} exists and is not omitted. */
  boolean hasOutput(int i) {
    return i < node.outputs().size() && !node.output(i).isEmpty();
  }

  void output(int i, DataType type, Shape shape) {
    if (i < outputs.length) {
      outputs[i] = new ValueInfo(node.output(i), type, shape);
    }
  }

  void outputValue(int i, KnownValue value) {
    if (i < outputValues.length && value.size() <= KnownValue.MAX_ELEMENTS) {
      outputValues[i] = value;
    }
  }

  /** Output {@code i} is this constant tensor (Constant): later nodes can read it. */
  void outputConstant(int i, Tensor t) {
    if (i < outputConstants.length) {
      outputConstants[i] = t;
    }
  }

  Tensor inferredConstant(int i) {
    return outputConstants[i];
  }

  /** What was inferred for output {@code i}, or unknown. */
  ValueInfo inferred(int i) {
    return outputs[i] != null ? outputs[i] : ValueInfo.unknown(node.output(i));
  }

  KnownValue inferredValue(int i) {
    return outputValues[i];
  }

  // ---- helpers

  Dim fresh(String prefix) {
    return symbols.fresh(prefix);
  }

  Shape freshShape(int rank) {
    return symbols.freshShape(rank);
  }

  /** A dimension from a propagated value; a negative fixed value is a contradiction. */
  Dim dim(SymbolicInt v, String what) {
    Dim d = v.toDim();
    if (d == null) {
      throw mismatch(what + " is " + v.value() + ", expected a size >= 0");
    }
    return d;
  }

  /** {@code axis} normalised to 0..rank-1. */
  int axis(long axis, int rank, String what) {
    return normalizeAxis(axis, rank, what);
  }

  int normalizeAxis(long axis, int rank, String what) {
    if (axis < -rank || axis >= rank) {
      throw mismatch(what + " " + axis + " is out of range for rank " + rank + ": expected " + (-rank) + ".."
          + (rank - 1));
    }
    return (int) (axis < 0 ? axis + rank : axis);
  }

  MobilizeException mismatch(String detail) {
    return MobilizeException.atNode(node, ErrorCode.SHAPE_MISMATCH, detail);
  }

  // ---- subgraphs

  /**
   * Infers the body in graph attribute {@code attr}, whose inputs get the given types and shapes
   * (where the body does not declare them), seeing this node's scope as outer scope.
   */
  Graph inferBody(String attr, List<ValueInfo> bodyInputs) {
    Graph body = node.attributes().graph(attr);
    Graph inferred = graphs.inferSubgraph(body, bodyInputs, scope);
    inferredBodies.put(attr, inferred);
    return inferred;
  }

  /** The node with its inferred bodies in place of the original ones. */
  Node rewrittenNode() {
    if (inferredBodies.isEmpty()) {
      return node;
    }
    Attributes.Builder b = node.attributes().toBuilder();
    inferredBodies.forEach(b::set);
    return node.toBuilder().attributes(b.build()).build();
  }
}
