package dev.mobilize.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Dim;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConstantFolderTest {

  /** An inspector that knows every shape already (the graphs below carry them). */
  private static ModelInspector typedAlready() {
    ModelInspector inspector = mock(ModelInspector.class);
    when(inspector.inferShapes(any())).thenAnswer(inv -> inv.getArgument(0));
    return inspector;
  }

  @Test
  void givenShapesReplaceTheInputsAndASymbolicBatchBecomesOne() {
    Graph g = Graph.builder("g")
        .input(new ValueInfo("x", DataType.FLOAT, Shape.of(List.of(Dim.symbol("batch"), Dim.of(3)))))
        .input(new ValueInfo("y", DataType.FLOAT, Shape.of(List.of(Dim.symbol("n"), Dim.symbol("m")))))
        .node(Node.builder("Relu").inputs("x").outputs("z").build())
        .output(ValueInfo.unknown("z"))
        .build();
    Model m = ConstantFolder.withInputShapes(Model.of(g, Map.of("", 17L)), Map.of("y", new long[] {2, 5}));
    assertEquals(Shape.of(1, 3), m.graph().inputs().get(0).shape());
    assertEquals(Shape.of(2, 5), m.graph().inputs().get(1).shape());
    MobilizeException e = assertThrows(MobilizeException.class,
        () -> ConstantFolder.withInputShapes(Model.of(g, Map.of("", 17L)), Map.of("z", new long[] {1})));
    assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
    assertTrue(e.getMessage().contains("'z', which is not an input; inputs are [x, y]"), e.getMessage());
  }

  @Test
  void shapeOfAStaticValueBecomesAConstantWithoutTheExecutor() {
    Graph g = Graph.builder("g")
        .input(new ValueInfo("x", DataType.FLOAT, Shape.of(1, 3, 4, 4)))
        .node(Node.builder("Shape").name("shape").inputs("x").outputs("s").build())
        .node(Node.builder("Reshape").name("reshape").inputs("x", "s").outputs("y").build())
        .output(ValueInfo.unknown("y"))
        .build();
    Model folded = new ConstantFolder(typedAlready(), null).fold(Model.of(g, Map.of("", 17L)));
    assertEquals(List.of("reshape"), folded.graph().nodes().stream().map(Node::name).toList());
    assertArrayEquals(new long[] {1, 3, 4, 4}, folded.graph().initializers().get("s").toLongArray());
  }

  @Test
  void opsOnConstantsAreComputedByTheExecutorAndOutputsStayComputed() {
    Tensor sum = Tensor.ofFloats(new long[] {2}, 4f, 6f);
    PreparedModel prepared = mock(PreparedModel.class);
    when(prepared.run(Map.of())).thenReturn(Map.of("c", sum));
    GraphExecutor executor = mock(GraphExecutor.class);
    when(executor.prepare(any(), any())).thenReturn(prepared);
    Graph g = Graph.builder("g")
        .input(new ValueInfo("x", DataType.FLOAT, Shape.of(2)))
        .initializer("a", Tensor.ofFloats(new long[] {2}, 1f, 2f))
        .initializer("b", Tensor.ofFloats(new long[] {2}, 3f, 4f))
        .node(Node.builder("Add").name("const_add").inputs("a", "b").outputs("c").build())
        .node(Node.builder("Mul").name("mul").inputs("x", "c").outputs("y").build())
        .output(ValueInfo.unknown("y"))
        .build();
    Model folded = new ConstantFolder(typedAlready(), executor).fold(Model.of(g, Map.of("", 17L)));
    assertEquals(List.of("mul"), folded.graph().nodes().stream().map(Node::name).toList());
    assertSame(sum, folded.graph().initializers().get("c"));
    assertEquals(List.of("c"), List.copyOf(folded.graph().initializers().keySet()), "a and b are read no more");

    Graph onlyOutput = Graph.builder("g")
        .initializer("a", Tensor.ofFloats(new long[] {2}, 1f, 2f))
        .node(Node.builder("Neg").name("neg").inputs("a").outputs("y").build())
        .output(ValueInfo.unknown("y"))
        .build();
    GraphExecutor unused = mock(GraphExecutor.class);
    Model kept = new ConstantFolder(typedAlready(), unused).fold(Model.of(onlyOutput, Map.of("", 17L)));
    assertEquals(List.of("neg"), kept.graph().nodes().stream().map(Node::name).toList());
    verify(unused, never()).prepare(any(), any());
  }
}
