package dev.mobilize.onnx.shape;

import static dev.mobilize.onnx.shape.ShapeCase.attrs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mobilize.ir.DataType;
import org.junit.jupiter.api.Test;

class ElementwiseShapesTest {

  @Test
  void unaryOpsKeepTypeAndShape() {
    for (String op : new String[] {"Relu", "Sigmoid", "Sqrt", "Softmax", "Clip", "Gelu", "Erf", "Trilu", "CumSum"}) {
      assertEquals("f32[batch,3,8]", ShapeCase.create().f32("x", "batch,3,8").node(op, "x", "y").type("y"), op);
    }
  }

  @Test
  void boolAndCastOutputs() {
    assertEquals("bool[2,3]", ShapeCase.create().f32("x", "2,3").node("IsNaN", "x", "y").type("y"));
    assertEquals("i64[2,3]", ShapeCase.create().f32("x", "2,3").node("Cast", "x", "y", attrs().set("to", 7L).build())
        .type("y"));
    assertEquals("f16[2,3]", ShapeCase.create().f32("x", "2,3").input("t", DataType.FLOAT16, "1")
        .node("CastLike", "x,t", "y").type("y"));
    assertTrue(ShapeCase.create().f32("x", "2").node("Cast", "x", "y", attrs().set("to", 99L).build()).mismatch()
        .contains("expected an ONNX data type code"));
  }

  @Test
  void dropoutMaskIsBool() {
    ShapeCase c = ShapeCase.create().f32("x", "4,5").node("Dropout", "x", "y,mask");
    assertEquals("f32[4,5]", c.type("y"));
    assertEquals("bool[4,5]", c.type("mask"));
  }

  @Test
  void broadcastingFollowsNumpy() {
    assertEquals("f32[2,3,4]", ShapeCase.create().f32("a", "2,1,4").f32("b", "3,1").node("Add", "a,b", "y").type("y"));
    assertEquals("f32[n,3]", ShapeCase.create().f32("a", "n,1").f32("b", "3").node("Mul", "a,b", "y").type("y"));
    assertEquals("f32[5,4]", ShapeCase.create().f32("a", "n,4").f32("b", "5,1").node("Sub", "a,b", "y").type("y"));
    assertEquals("bool[2,3]", ShapeCase.create().f32("a", "2,3").f32("b", "").node("Less", "a,b", "y").type("y"));
    assertEquals("f32[2,3,4]", ShapeCase.create().f32("a", "4").f32("b", "3,1").f32("c", "2,1,1")
        .node("Sum", "a,b,c", "y").type("y"));
    assertEquals("f32[2,3]", ShapeCase.create().input("c", DataType.BOOL, "2,1").f32("x", "3").f32("z", "")
        .node("Where", "c,x,z", "y").type("y"));
  }

  @Test
  void incompatibleBroadcastIsAMismatch() {
    String m = ShapeCase.create().f32("a", "1,3").f32("b", "1,4").node("Add", "a,b", "y").mismatch();
    assertTrue(m.contains("inputs [1,3] and [1,4] cannot be broadcast: dimension 1 is 3 and 4"), m);
  }

  @Test
  void unrelatedSymbolsBroadcastToAFreshSymbol() {
    String t = ShapeCase.create().f32("a", "n").f32("b", "m").node("Add", "a,b", "y").type("y");
    assertTrue(t.matches("f32\\[unk_\\d+\\]"), t);
  }
}
