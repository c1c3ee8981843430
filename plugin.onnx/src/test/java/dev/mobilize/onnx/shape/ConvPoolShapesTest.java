package dev.mobilize.onnx.shape;

import static dev.mobilize.onnx.shape.ShapeCase.attrs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import org.junit.jupiter.api.Test;

class ConvPoolShapesTest {

  private static ShapeCase conv(String x, String w, Attributes a) {
    return ShapeCase.create().f32("x", x).f32("w", w).node("Conv", "x,w", "y", a);
  }

  @Test
  void convWithPadsStridesAndDilations() {
    assertEquals("f32[1,16,56,56]", conv("1,3,112,112", "16,3,3,3",
        attrs().ints("pads", 1, 1, 1, 1).ints("strides", 2, 2).build()).type("y"));
    // out = floor((10 + 0 + 0 - 2*(3-1) - 1) / 1) + 1 = 6
    assertEquals("f32[n,8,6]", conv("n,4,10", "8,2,3", attrs().ints("dilations", 2).set("group", 2L).build())
        .type("y"));
    assertEquals("f32[1,8,4,3]", conv("1,3,7,5", "8,3,3,3",
        attrs().set("auto_pad", "SAME_UPPER").ints("strides", 2, 2).build()).type("y"));
    assertEquals("f32[1,8,5,3]", conv("1,3,7,5", "8,3,3,3", attrs().set("auto_pad", "VALID").build()).type("y"));
  }

  @Test
  void convChannelMismatch() {
    String m = conv("1,4,8,8", "8,3,3,3", Attributes.EMPTY).mismatch();
    assertTrue(m.contains("input X has 4 channels, expected W[1]*group = 3*1"), m);
  }

  @Test
  void convTransposeForms() {
    // out = stride*(in-1) + output_padding + dilation*(k-1) + 1 - pads
    assertEquals("f32[1,4,16,16]", ShapeCase.create().f32("x", "1,8,8,8").f32("w", "8,2,3,3")
        .node("ConvTranspose", "x,w", "y", attrs().ints("strides", 2, 2).ints("pads", 1, 1, 1, 1)
            .ints("output_padding", 1, 1).set("group", 2L).build()).type("y"));
    assertEquals("f32[1,2,20,30]", ShapeCase.create().f32("x", "1,8,8,8").f32("w", "8,2,3,3")
        .node("ConvTranspose", "x,w", "y", attrs().ints("output_shape", 20, 30).build()).type("y"));
    assertEquals("f32[1,2,16,16]", ShapeCase.create().f32("x", "1,8,8,8").f32("w", "8,2,3,3")
        .node("ConvTranspose", "x,w", "y", attrs().ints("strides", 2, 2).set("auto_pad", "SAME_LOWER").build())
        .type("y"));
  }

  @Test
  void quantizedConvs() {
    ShapeCase c = ShapeCase.create().input("x", DataType.UINT8, "1,3,8,8").input("w", DataType.INT8, "4,3,3,3")
        .node("ConvInteger", "x,w", "y");
    assertEquals("i32[1,4,6,6]", c.type("y"));
  }

  @Test
  void poolingWithCeilModeAndIndices() {
    ShapeCase c = ShapeCase.create().f32("x", "1,3,32,32").node("MaxPool", "x", "y,idx",
        attrs().ints("kernel_shape", 3, 3).ints("strides", 2, 2).set("ceil_mode", 1L).build());
    assertEquals("f32[1,3,16,16]", c.type("y"));
    assertEquals("i64[1,3,16,16]", c.type("idx"));
    // ceil_mode: ceil((4+1-2)/2)+1 = 3, but the third window would start at 4, in the end padding -> 2
    assertEquals("f32[1,1,2]", ShapeCase.create().f32("x", "1,1,4").node("AveragePool", "x", "y",
        attrs().ints("kernel_shape", 2).ints("strides", 2).ints("pads", 0, 1).set("ceil_mode", 1L).build()).type("y"));
    assertEquals("f32[1,3,1,1]", ShapeCase.create().f32("x", "1,3,7,7").node("GlobalAveragePool", "x", "y").type("y"));
    String m = ShapeCase.create().f32("x", "1,3,2,2").node("MaxPool", "x", "y",
        attrs().ints("kernel_shape", 3, 3).build()).mismatch();
    assertTrue(m.contains("expected at least the kernel extent 3"), m);
  }

  @Test
  void normalizations() {
    ShapeCase c = ShapeCase.create().f32("x", "2,3,4,5").f32("w", "4,5").f32("b", "4,5")
        .node("LayerNormalization", "x,w,b", "y,mean,inv", attrs().set("axis", -2L).build());
    assertEquals("f32[2,3,4,5]", c.type("y"));
    assertEquals("f32[2,3,1,1]", c.type("mean"));
    assertEquals("f32[2,3,1,1]", c.type("inv"));
    assertTrue(ShapeCase.create().f32("x", "1,4,2,2").f32("s", "3").f32("b", "3").f32("m", "3").f32("v", "3")
        .node("BatchNormalization", "x,s,b,m,v", "y").mismatch().contains("expected equal sizes, found 4 and 3"));
  }
}
