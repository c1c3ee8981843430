package com.example.mobilize.obfuscate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.GraphPass.PassResult;
import dev.mobilize.service.Options;
import dev.mobilize.service.PassContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ObfuscateNamesTest {

  private static final ValueInfo X = new ValueInfo("image", DataType.FLOAT, Shape.of(1, 4));
  private static final ValueInfo Y = new ValueInfo("probs", DataType.FLOAT, Shape.of(1, 4));

  @Test
  void renamesInternalValuesAndNodesButKeepsInputsAndOutputs() {
    Graph g = Graph.builder("secret_net").docString("trained on our private data")
        .input(X)
        .initializer("backbone.scale", Tensor.ofFloats(new long[] {4}, 1, 2, 3, 4))
        .node(Node.builder("Mul").name("backbone/mul").inputs("image", "backbone.scale").outputs("backbone/out")
            .docString("see paper").build())
        .node(Node.builder("Softmax").name("head/softmax").inputs("backbone/out").outputs("probs").build())
        .output(Y)
        .build();

    PassResult r = new ObfuscateNames().apply(Model.of(g, Map.of("", 17L)), PassContext.of(Options.NONE));

    String text = r.model().graph().toString();
    assertEquals("""
        graph secret_net(%image : f32[1,4]) -> (%probs : f32[1,4])
          %v0 = const f32[4]
          %v1 = Mul(%image, %v0)
          %probs = Softmax(%v1) : f32[1,4]
        """, text);
    assertEquals(List.of("n0", "n1"), r.model().graph().nodes().stream().map(Node::name).toList());
    assertFalse(r.model().graph().nodes().get(0).docString().contains("paper"));
    assertEquals("", r.model().graph().docString());
    assertEquals(4, r.rewrites()); // two values, two nodes
  }

  @Test
  void generatedIdsNeverCollideWithKeptNames() {
    Graph g = Graph.builder("g")
        .input(X.withName("v0"))
        .node(Node.builder("Relu").inputs("v0").outputs("hidden").build())
        .node(Node.builder("Relu").inputs("hidden").outputs("probs").build())
        .output(Y)
        .build();

    Graph out = new ObfuscateNames().apply(Model.of(g, Map.of("", 17L)), PassContext.of(Options.NONE)).model().graph();

    assertEquals("v0_", out.nodes().get(0).output(0));
    assertEquals("v0", out.nodes().get(0).input(0));
  }
}
