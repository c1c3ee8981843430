package dev.mobilize.onnx.shape;

import static dev.mobilize.onnx.shape.ShapeCase.attrs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mobilize.ir.DataType;
import org.junit.jupiter.api.Test;

class MatMulShapesTest {

  private static String matMul(String a, String b) {
    return ShapeCase.create().f32("a", a).f32("b", b).node("MatMul", "a,b", "y").type("y");
  }

  @Test
  void matMulBroadcastsBatchDimsAndHandlesVectors() {
    assertEquals("f32[batch,8,3,5]", matMul("batch,1,3,4", "8,4,5"));
    assertEquals("f32[5]", matMul("4", "4,5"));
    assertEquals("f32[2,3]", matMul("2,3,4", "4"));
    assertEquals("f32[]", matMul("4", "4"));
  }

  @Test
  void matMulInnerDimsMustAgree() {
    String m = ShapeCase.create().f32("a", "2,3").f32("b", "4,5").node("MatMul", "a,b", "y").mismatch();
    assertTrue(m.contains("inner dimensions are 3 and 4, expected equal"), m);
  }

  @Test
  void gemmTransposes() {
    assertEquals("f32[3,5]", ShapeCase.create().f32("a", "4,3").f32("b", "5,4").f32("c", "5")
        .node("Gemm", "a,b,c", "y", attrs().set("transA", 1L).set("transB", 1L).build()).type("y"));
    assertTrue(ShapeCase.create().f32("a", "4,3").f32("b", "5,4").node("Gemm", "a,b", "y").mismatch()
        .contains("inner dimensions are 3 and 5"));
  }

  @Test
  void quantizedAndEinsum() {
    assertEquals("i32[2,5]", ShapeCase.create().input("a", DataType.UINT8, "2,4").input("b", DataType.UINT8, "4,5")
        .node("MatMulInteger", "a,b", "y").type("y"));
    assertEquals("f32[b,i,k]", ShapeCase.create().f32("x", "b,i,j").f32("z", "b,j,k")
        .node("Einsum", "x,z", "y", attrs().set("equation", "bij,bjk->bik").build()).type("y"));
    // implicit output: "..." then the labels used once, alphabetically: i, k
    assertEquals("f32[2,3,5]", ShapeCase.create().f32("x", "2,3,4").f32("z", "4,5")
        .node("Einsum", "x,z", "y", attrs().set("equation", "...ij,jk").build()).type("y"));
    ShapeCase q = ShapeCase.create().f32("x", "2,3").node("DynamicQuantizeLinear", "x", "y,s,z");
    assertEquals("u8[2,3]", q.type("y"));
    assertEquals("f32[]", q.type("s"));
  }
}
