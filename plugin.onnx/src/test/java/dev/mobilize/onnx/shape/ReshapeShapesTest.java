package dev.mobilize.onnx.shape;

import static dev.mobilize.onnx.shape.ShapeCase.attrs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mobilize.ir.Attributes;
import org.junit.jupiter.api.Test;

/** Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Concat, Split, Slice, Gather, Pad, Resize, ... */
class ReshapeShapesTest {

  private static ShapeCase reshape(String x, long... shape) {
    return ShapeCase.create().f32("x", x).ints("s", shape).node("Reshape", "x,s", "y");
  }

  @Test
  void reshapeCopiesZerosAndInfersMinusOne() {
    assertEquals("f32[2,12]", reshape("2,3,4", 0, -1).type("y"));
    assertEquals("f32[batch,12]", reshape("batch,3,4", 0, -1).type("y"));
    assertEquals("f32[batch*3,4]", reshape("batch,3,4", -1, 4).type("y"));
    assertEquals("f32[0,4]", ShapeCase.create().f32("x", "0,4").ints("s", 0, 4)
        .node("Reshape", "x,s", "y", attrs().set("allowzero", 1L).build()).type("y"));
  }

  @Test
  void reshapeContradictions() {
    assertTrue(reshape("3,4", 5, -1).mismatch().contains("12 is not a multiple of 5"));
    assertTrue(reshape("3,4", 5, 2).mismatch().contains("has 12 elements, cannot be reshaped to [5,2]"));
    assertTrue(reshape("3,4", -1, -1).mismatch().contains("more than one -1"));
  }

  @Test
  void flattenSqueezeUnsqueezeTranspose() {
    assertEquals("f32[n*3,20]", ShapeCase.create().f32("x", "n,3,4,5")
        .node("Flatten", "x", "y", attrs().set("axis", 2L).build()).type("y"));
    assertEquals("f32[3,5]", ShapeCase.create().f32("x", "1,3,1,5").ints("a", 0, -2).node("Squeeze", "x,a", "y")
        .type("y"));
    assertEquals("f32[3,5]", ShapeCase.create().f32("x", "1,3,1,5").node("Squeeze", "x", "y").type("y"));
    assertTrue(ShapeCase.create().f32("x", "2,3").ints("a", 0).node("Squeeze", "x,a", "y").mismatch()
        .contains("its size is 2, expected 1"));
    assertEquals("f32[1,3,1,5]", ShapeCase.create().f32("x", "3,5").ints("a", 0, 2).node("Unsqueeze", "x,a", "y")
        .type("y"));
    assertEquals("f32[5,4,3]", ShapeCase.create().f32("x", "3,4,5").node("Transpose", "x", "y").type("y"));
    assertEquals("f32[3,5,4]", ShapeCase.create().f32("x", "3,4,5")
        .node("Transpose", "x", "y", attrs().ints("perm", 0, 2, 1).build()).type("y"));
    assertEquals("f32[1,2,6,6]", ShapeCase.create().f32("x", "1,8,3,3")
        .node("DepthToSpace", "x", "y", attrs().set("blocksize", 2L).build()).type("y"));
  }

  @Test
  void concatAndSplit() {
    assertEquals("f32[n,7]", ShapeCase.create().f32("a", "n,3").f32("b", "n,4")
        .node("Concat", "a,b", "y", attrs().set("axis", 1L).build()).type("y"));
    assertEquals("f32[2,m+4]", ShapeCase.create().f32("a", "2,m").f32("b", "2,4")
        .node("Concat", "a,b", "y", attrs().set("axis", -1L).build()).type("y"));
    assertTrue(ShapeCase.create().f32("a", "2,3").f32("b", "2,3,1")
        .node("Concat", "a,b", "y", attrs().set("axis", 0L).build()).mismatch().contains("expected rank 2"));
    ShapeCase split = ShapeCase.create().f32("x", "2,10").ints("s", 3, 7).node("Split", "x,s", "p,q",
        attrs().set("axis", 1L).build());
    assertEquals("f32[2,3]", split.type("p"));
    assertEquals("f32[2,7]", split.type("q"));
    ShapeCase uneven = ShapeCase.create().f32("x", "7").node("Split", "x", "p,q,r", attrs().set("num_outputs", 3L).build());
    assertEquals("f32[3]", uneven.type("p"));
    assertEquals("f32[1]", uneven.type("r"));
    assertTrue(ShapeCase.create().f32("x", "7").node("Split", "x", "p,q").mismatch().contains("multiple of the 2"));
  }

  @Test
  void sliceClampsAndSteps() {
    assertEquals("f32[3,10,2]", ShapeCase.create().f32("x", "20,10,5").ints("st", 0, 1).ints("en", 3, -2)
        .ints("ax", 0, 2).node("Slice", "x,st,en,ax", "y").type("y"));
    assertEquals("f32[20,10,3]", ShapeCase.create().f32("x", "20,10,5").ints("st", -1, 20).ints("en", -1000, -1000)
        .ints("ax", 0, 2).ints("sp", -1, -2).node("Slice", "x,st,en,ax,sp", "y").type("y"));
    assertEquals("f32[n,0]", ShapeCase.create().f32("x", "n,4").ints("st", 10).ints("en", 20).ints("ax", 1)
        .node("Slice", "x,st,en,ax", "y").type("y"));
  }

  @Test
  void gatherAndScatter() {
    assertEquals("f32[5,2,3,7]", ShapeCase.create().f32("x", "5,6,7").input("i", dev.mobilize.ir.DataType.INT64, "2,3")
        .node("Gather", "x,i", "y", attrs().set("axis", 1L).build()).type("y"));
    assertEquals("f32[2,4]", ShapeCase.create().f32("x", "3,4,4").input("i", dev.mobilize.ir.DataType.INT64, "2,2")
        .node("GatherND", "x,i", "y").type("y"));
  }

  @Test
  void padResizeTileExpand() {
    assertEquals("f32[1,3,7,12]", ShapeCase.create().f32("x", "1,3,4,5").ints("p", 0, 0, 1, 3, 0, 0, 2, 4)
        .node("Pad", "x,p", "y").type("y"));
    assertEquals("f32[1,3,8,10]", ShapeCase.create().f32("x", "1,3,4,5")
        .constant("sc", dev.mobilize.ir.Tensor.ofFloats(new long[] {4}, 1, 1, 2, 2))
        .node("Resize", "x,,sc", "y").type("y"));
    assertEquals("f32[1,1,7,7]", ShapeCase.create().f32("x", "1,1,2,2").ints("sz", 7, 8)
        .node("Resize", "x,,,sz", "y", attrs().ints("axes", 2, 3).set("keep_aspect_ratio_policy", "not_larger").build())
        .type("y"));
    assertEquals("f32[2,6]", ShapeCase.create().f32("x", "1,3").ints("r", 2, 2).node("Tile", "x,r", "y").type("y"));
    assertEquals("f32[2,4,3]", ShapeCase.create().f32("x", "4,1").ints("s", 2, 1, 3).node("Expand", "x,s", "y")
        .type("y"));
  }

  @Test
  void reductionsAndSelections() {
    assertEquals("f32[3]", ShapeCase.create().f32("x", "3,4,5").ints("a", 1, -1)
        .node("ReduceMean", "x,a", "y", attrs().set("keepdims", 0L).build()).type("y"));
    assertEquals("f32[1,1]", ShapeCase.create().f32("x", "3,4").node("ReduceSum", "x", "y").type("y"));
    assertEquals("f32[3,4]", ShapeCase.create().f32("x", "3,4")
        .node("ReduceMax", "x", "y", attrs().set("noop_with_empty_axes", 1L).build()).type("y"));
    assertEquals("i64[3,1]", ShapeCase.create().f32("x", "3,4")
        .node("ArgMax", "x", "y", attrs().set("axis", 1L).build()).type("y"));
    ShapeCase topk = ShapeCase.create().f32("x", "3,10").ints("k", 4).node("TopK", "x,k", "v,i");
    assertEquals("f32[3,4]", topk.type("v"));
    assertEquals("i64[3,4]", topk.type("i"));
    assertTrue(ShapeCase.create().f32("x", "2,3").node("NonZero", "x", "y").type("y")
        .matches("i64\\[2,nonzero_count_\\d+\\]"));
    assertEquals("f32[4,3,2]", ShapeCase.create().input("i", dev.mobilize.ir.DataType.INT64, "4,2").ints("d", 3)
        .constant("v", dev.mobilize.ir.Tensor.ofFloats(new long[] {2}, 0, 1))
        .node("OneHot", "i,d,v", "y", attrs().set("axis", 1L).build()).type("y"));
    ShapeCase lstm = ShapeCase.create().f32("x", "7,b,16").f32("w", "2,32,16").f32("r", "2,32,8")
        .node("LSTM", "x,w,r", "y,h,c", attrs().set("hidden_size", 8L).set("direction", "bidirectional").build());
    assertEquals("f32[7,2,b,8]", lstm.type("y"));
    assertEquals("f32[2,b,8]", lstm.type("c"));
  }

  @Test
  void unusedAttributesDoNotMatter() {
    assertEquals("f32[2]", ShapeCase.create().f32("x", "2").node("Identity", "x", "y", Attributes.EMPTY).type("y"));
  }
}
