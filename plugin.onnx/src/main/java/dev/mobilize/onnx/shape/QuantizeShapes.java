package dev.mobilize.onnx.shape;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Shape;

/** QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear: the shape of x, a changed element type. */
final class QuantizeShapes {

  private QuantizeShapes() {}

  /** y has the zero point's type, else attribute output_dtype, else uint8. */
  static void quantizeLinear(NodeContext c) {
    DataType t = DataType.UINT8;
    if (c.hasInput(2)) {
      t = c.type(2);
    } else if (c.intAttr("output_dtype", 0) != 0) {
      t = DataType.fromCode((int) c.intAttr("output_dtype", 0));
    }
    c.output(0, t, c.shape(0));
  }

  /** y has the scale's type (float unless the scale says otherwise). */
  static void dequantizeLinear(NodeContext c) {
    DataType t = c.type(1);
    if (c.intAttr("output_dtype", 0) != 0) {
      t = DataType.fromCode((int) c.intAttr("output_dtype", 0));
    }
    c.output(0, t, c.shape(0));
  }

  /** y uint8 like x; y_scale float scalar; y_zero_point uint8 scalar. */
  static void dynamicQuantizeLinear(NodeContext c) {
    c.output(0, DataType.UINT8, c.shape(0));
    c.output(1, DataType.FLOAT, Shape.SCALAR);
    c.output(2, DataType.UINT8, Shape.SCALAR);
  }
}
