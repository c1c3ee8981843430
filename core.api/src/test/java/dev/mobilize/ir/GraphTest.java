package dev.mobilize.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class GraphTest {

  static Graph convRelu() {
    return Graph.builder("main")
        .input(new ValueInfo("x", DataType.FLOAT, Shape.of(1, 3, 8, 8)))
        .initializer("w", Tensor.ofFloats(new long[] {16, 3, 3, 3}, new float[16 * 27]))
        .node(Node.builder("Conv").name("conv1").inputs("x", "w").outputs("c")
            .attributes(Attributes.builder().ints("pads", 1, 1, 1, 1).ints("strides", 1, 1).build()).build())
        .node(Node.builder("Relu").name("relu1").inputs("c").outputs("y").build())
        .valueInfo(new ValueInfo("c", DataType.FLOAT, Shape.of(1, 16, 8, 8)))
        .output(new ValueInfo("y", DataType.FLOAT, Shape.of(1, 16, 8, 8)))
        .build();
  }

  @Test
  void printsTheIrTextForm() {
    assertEquals("""
        graph main(%x : f32[1,3,8,8]) -> (%y : f32[1,16,8,8])
          %w = const f32[16,3,3,3]
          %c = Conv(%x, %w) {pads=[1,1,1,1], strides=[1,1]} : f32[1,16,8,8]
          %y = Relu(%c) : f32[1,16,8,8]
        """, convRelu().toString());
  }

  @Test
  void findsProducersConsumersAndInfos() {
    Graph g = convRelu();
    assertEquals("conv1", g.producer("c").orElseThrow().name());
    assertTrue(g.producer("x").isEmpty());
    assertEquals(List.of("relu1"), g.consumers("c").stream().map(Node::name).toList());
    assertEquals(Shape.of(16, 3, 3, 3), g.info("w").orElseThrow().shape());
    assertEquals(16 * 27, g.parameterCount());
  }

  @Test
  void toBuilderCopiesAndEqualsComparesContent() {
    Graph g = convRelu();
    Graph copy = g.toBuilder().build();
    assertEquals(g, copy);
    Graph renamed = g.toBuilder().name("other").build();
    assertTrue(!g.equals(renamed));
  }

  @Test
  void listsAreReadOnly() {
    Graph g = convRelu();
    assertThrows(UnsupportedOperationException.class, () -> g.nodes().clear());
    assertThrows(UnsupportedOperationException.class, () -> g.initializers().clear());
  }

  @Test
  void nodeBuilderDropsTrailingOmittedInputsAndDescribesItself() {
    Node n = Node.builder("Clip").inputs("x", "", "").outputs("y").build();
    assertEquals(List.of("x"), n.inputs());
    assertEquals("(Clip producing 'y')", n.describe());
    Node m = Node.builder("Resize").name("up").inputs("x", "", "scales").outputs("y").build();
    assertEquals("%y = Resize(%x, _, %scales)", m.toString());
    assertEquals("'up' (Resize)", m.describe());
    assertEquals("", Node.builder("Relu").domain("ai.onnx").outputs("y").build().domain());
  }
}
