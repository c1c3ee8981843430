package dev.mobilize.onnx.shape;

import static dev.mobilize.onnx.shape.ShapeCase.attrs;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Tensor;
import org.junit.jupiter.api.Test;

/** Known integer values flow through shape computations into Reshape, Expand, ConstantOfShape, ... */
class DataPropagationTest {

  private static final long[] SCALAR = new long[0];

  /** PyTorch's view(x.size(0), -1): Shape -> Gather -> Unsqueeze -> Concat -> Reshape. */
  @Test
  void pytorchFlattenChainGivesAStaticReshape() {
    ShapeCase c = ShapeCase.create().f32("x", "batch,8,4,4")
        .constant("zero", Tensor.ofLongs(SCALAR, 0)).ints("axes", 0).ints("minus1", -1)
        .node("Shape", "x", "s")
        .node("Gather", "s,zero", "n", attrs().set("axis", 0L).build())
        .node("Unsqueeze", "n,axes", "n1")
        .node("Concat", "n1,minus1", "target", attrs().set("axis", 0L).build())
        .node("Reshape", "x,target", "y");
    assertEquals("i64[]", c.type("n"));
    assertEquals("f32[batch,128]", c.type("y"));
  }

  /** Channel shuffle: Shape, Slice, arithmetic on dims, Concat, Reshape. */
  @Test
  void arithmeticOnDims() {
    ShapeCase c = ShapeCase.create().f32("x", "1,116,28,28")
        .ints("st", 1).ints("en", 2).constant("two", Tensor.ofLongs(new long[] {1}, 2))
        .node("Shape", "x", "s")
        .node("Slice", "s,st,en", "ch")
        .node("Div", "ch,two", "half")
        .node("Concat", "two,half", "t", attrs().set("axis", 0L).build())
        .ints("rest", 28, 28).ints("one", 1)
        .node("Concat", "one,t,rest", "target", attrs().set("axis", 0L).build())
        .node("Reshape", "x,target", "y");
    assertEquals("f32[1,2,58,28,28]", c.type("y"));
  }

  @Test
  void castRangeConstantOfShapeAndExpand() {
    ShapeCase c = ShapeCase.create().f32("x", "3,5")
        .node("Shape", "x", "s")
        .node("Cast", "s", "s32", attrs().set("to", 6L).build())
        .node("ConstantOfShape", "s32", "zeros",
            attrs().set("value", Tensor.ofLongs(new long[] {1}, 0)).build())
        .node("Expand", "x,s", "e")
        .constant("start", Tensor.ofLongs(SCALAR, 0)).constant("step", Tensor.ofLongs(SCALAR, 1))
        .node("Size", "x", "size")
        .node("Range", "start,size,step", "r");
    assertEquals("i64[3,5]", c.type("zeros"));
    assertEquals("f32[3,5]", c.type("e"));
    assertEquals("i64[15]", c.type("r"));
  }

  @Test
  void constantNodesFeedShapes() {
    ShapeCase c = ShapeCase.create().f32("x", "2,3,4")
        .node("Constant", "", "shape", attrs().ints("value_ints", 4, -1).build())
        .node("Reshape", "x,shape", "y");
    assertEquals("i64[2]", c.type("shape"));
    assertEquals("f32[4,6]", c.type("y"));
  }

  @Test
  void symbolicDimsStaySymbolic() {
    ShapeCase c = ShapeCase.create().input("x", DataType.FLOAT, "batch,seq,64")
        .constant("i0", Tensor.ofLongs(SCALAR, 0)).constant("i1", Tensor.ofLongs(SCALAR, 1)).ints("axes", 0)
        .ints("heads", 8, 8)
        .node("Shape", "x", "s")
        .node("Gather", "s,i0", "b")
        .node("Gather", "s,i1", "t")
        .node("Unsqueeze", "b,axes", "b1")
        .node("Unsqueeze", "t,axes", "t1")
        .node("Concat", "b1,t1,heads", "target", attrs().set("axis", 0L).build())
        .node("Reshape", "x,target", "y");
    assertEquals("f32[batch,seq,8,8]", c.type("y"));
  }
}
