package dev.mobilize.onnx.shape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.MobilizeException;
import java.util.List;

/** A hand-built graph for rule tests: inputs, constants and nodes, then the inferred types. */
final class ShapeCase {

  private final Graph.Builder graph = Graph.builder("case");
  private int nodes;

  static ShapeCase create() {
    return new ShapeCase();
  }

  /** An input of the given type and shape text ("1,3,8,8", "batch,10", "" for a scalar, "?" for unknown rank). */
  ShapeCase input(String name, DataType type, String shape) {
    graph.input(new ValueInfo(name, type, shape.equals("?") ? Shape.UNKNOWN : Shape.parse(shape)));
    return this;
  }

  ShapeCase f32(String name, String shape) {
    return input(name, DataType.FLOAT, shape);
  }

  ShapeCase constant(String name, Tensor t) {
    graph.initializer(name, t);
    return this;
  }

  /** A 1-D int64 initializer. */
  ShapeCase ints(String name, long... values) {
    return constant(name, Tensor.vector(values));
  }

  /** A node "op(inputs) -> outputs", inputs and outputs comma-separated ("" = omitted input). */
  ShapeCase node(String op, String inputs, String outputs, Attributes attrs) {
    graph.node(Node.builder(op).name(op.toLowerCase() + "_" + nodes++).inputs(List.of(inputs.split(",", -1)))
        .outputs(List.of(outputs.split(","))).attributes(attrs).build());
    return this;
  }

  ShapeCase node(String op, String inputs, String outputs) {
    return node(op, inputs, outputs, Attributes.EMPTY);
  }

  Graph build() {
    return graph.build();
  }

  Graph infer() {
    return new ShapeInference().infer(graph.build());
  }

  /** The inferred type of {@code value}, e.g. {@code f32[1,16,8,8]}. */
  String type(String value) {
    Graph g = infer();
    return g.info(value).map(ValueInfo::typeString).orElse("none");
  }

  /** Inference fails with SHAPE_MISMATCH; returns the message. */
  String mismatch() {
    return fails(ErrorCode.SHAPE_MISMATCH);
  }

  String fails(ErrorCode code) {
    MobilizeException e = assertThrows(MobilizeException.class, this::infer);
    assertEquals(code, e.code(), e.getMessage());
    assertTrue(e.getMessage().startsWith("node '"), "names the node: " + e.getMessage());
    return e.getMessage();
  }

  static Attributes.Builder attrs() {
    return Attributes.builder();
  }
}
