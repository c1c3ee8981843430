package dev.mobilize.onnx.shape;

import static dev.mobilize.onnx.shape.ShapeCase.attrs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.ErrorCode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The driver: outputs, value infos, unknown ops, errors, subgraphs. */
class ShapeInferenceTest {

  @Test
  void fillsUnknownGraphOutputsAndListsIntermediates() {
    Graph g = Graph.builder("main")
        .input(new ValueInfo("x", DataType.FLOAT, Shape.parse("batch,1,8,8")))
        .initializer("w", Tensor.ofFloats(new long[] {4, 1, 3, 3}, new float[36]))
        .node(Node.builder("Conv").name("conv").inputs("x", "w").outputs("c")
            .attributes(Attributes.builder().ints("pads", 1, 1, 1, 1).build()).build())
        .node(Node.builder("Relu").name("relu").inputs("c").outputs("y").build())
        .output(ValueInfo.unknown("y"))
        .build();
    Graph out = new ShapeInference().infer(g);
    assertEquals("f32[batch,4,8,8]", out.outputs().get(0).typeString());
    assertEquals("f32[batch,4,8,8]", out.valueInfo().get("c").typeString());
  }

  @Test
  void unknownOpsLeaveOutputsUnknown() {
    ShapeCase c = ShapeCase.create().f32("x", "2").node("NoSuchOp", "x", "y").node("Relu", "y", "z");
    assertEquals("?[?]", c.type("y"));
    assertEquals("?[?]", c.type("z"));
    Graph g = ShapeCase.create().f32("x", "2").build().toBuilder()
        .node(Node.builder("FusedConv").domain(Node.MOBILIZE_DOMAIN).inputs("x").outputs("y").build()).build();
    assertEquals(DataType.UNDEFINED, new ShapeInference().infer(g).info("y").orElseThrow().type());
  }

  @Test
  void declaredShapesMergeAndContradictionsFail() {
    Graph g = ShapeCase.create().f32("x", "n,3").node("Relu", "x", "y").build().toBuilder()
        .output(new ValueInfo("y", DataType.FLOAT, Shape.parse("4,3"))).build();
    assertEquals("f32[4,3]", new ShapeInference().infer(g).outputs().get(0).typeString());
    Graph bad = ShapeCase.create().f32("x", "2,3").node("Relu", "x", "y").build().toBuilder()
        .output(new ValueInfo("y", DataType.FLOAT, Shape.parse("4,3"))).build();
    var e = org.junit.jupiter.api.Assertions.assertThrows(dev.mobilize.service.MobilizeException.class,
        () -> new ShapeInference().infer(bad));
    assertEquals(ErrorCode.SHAPE_MISMATCH, e.code());
  }

  @Test
  void overflowIsALimitAndBadAttributesAreReported() {
    String m = ShapeCase.create().f32("x", "4294967296,4294967296").node("Flatten", "x", "y",
        attrs().set("axis", 2L).build()).fails(ErrorCode.LIMIT_EXCEEDED);
    assertTrue(m.contains("flatten_0"), m);
    ShapeCase.create().f32("x", "2").node("Cast", "x", "y").fails(ErrorCode.INVALID_GRAPH);
    ShapeCase.create().f32("x", "2,3").node("Transpose", "x", "y", attrs().ints("perm", 0, 0).build()).mismatch();
    ShapeCase.create().f32("x", "2,3").input("i", DataType.INT64, "").node("Gather", "x,i", "y", attrs().set("axis", 5L).build())
        .mismatch();
  }

  @Test
  void ifMergesItsBranches() {
    Graph thenBranch = Graph.builder("then").node(Node.builder("Relu").inputs("x").outputs("t").build())
        .output(ValueInfo.unknown("t")).build();
    Graph elseBranch = Graph.builder("else")
        .node(Node.builder("Concat").inputs("x", "x").outputs("e")
            .attributes(Attributes.builder().set("axis", 1L).build()).build())
        .output(ValueInfo.unknown("e")).build();
    ShapeCase c = ShapeCase.create().f32("x", "2,3").input("cond", DataType.BOOL, "")
        .node("If", "cond", "y", attrs().set("then_branch", thenBranch).set("else_branch", elseBranch).build());
    assertTrue(c.type("y").matches("f32\\[2,unk_\\d+\\]"), c.type("y"));
  }

  @Test
  void loopStacksScanOutputs() {
    Graph body = Graph.builder("body")
        .input(ValueInfo.unknown("i")).input(ValueInfo.unknown("c")).input(ValueInfo.unknown("acc"))
        .node(Node.builder("Identity").inputs("c").outputs("c_out").build())
        .node(Node.builder("Add").inputs("acc", "x").outputs("acc_out").build())
        .node(Node.builder("Relu").inputs("acc_out").outputs("scan").build())
        .outputs(List.of(ValueInfo.unknown("c_out"), ValueInfo.unknown("acc_out"), ValueInfo.unknown("scan")))
        .build();
    ShapeCase c = ShapeCase.create().f32("x", "3").input("m", DataType.INT64, "").input("cond", DataType.BOOL, "")
        .node("Loop", "m,cond,x", "final,stacked", attrs().set("body", body).build());
    assertEquals("f32[3]", c.type("final"));
    assertTrue(c.type("stacked").matches("f32\\[loop_count_\\d+,3\\]"), c.type("stacked"));
  }

  @Test
  void subgraphsSeeTheOuterScope() {
    Graph body = Graph.builder("sub").node(Node.builder("Add").inputs("a", "b").outputs("c").build())
        .output(ValueInfo.unknown("c")).build();
    Graph out = new ShapeInference().infer(body, List.of(new ValueInfo("a", DataType.FLOAT, Shape.of(2, 1)),
        new ValueInfo("b", DataType.FLOAT, Shape.of(3))));
    assertEquals("f32[2,3]", out.outputs().get(0).typeString());
  }
}
