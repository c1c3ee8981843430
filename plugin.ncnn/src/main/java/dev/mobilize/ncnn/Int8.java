package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.FusedOps;
import dev.mobilize.ir.Tensor;
import java.util.List;

/** Shared pieces of the readers: ncnn's int8 input quantization and fused activations. */
final class Int8 {

  private Int8() {}

  /**
   * ncnn quantizes a float input as {@code int8 = clamp(round(x · scale), -127, 127)} and computes
   * in integers; the IR form is QuantizeLinear/DequantizeLinear with {@code 1/scale}.
   */
  static String fakeQuantize(ImportContext ctx, String x, float scale) {
    String s = ctx.constant(ctx.layer.name + "_in_scale", Tensor.ofFloats(new long[0], 1f / scale));
    String zp = ctx.constant(ctx.layer.name + "_in_zero", Tensor.of(dev.mobilize.ir.DataType.INT8, new long[0], new byte[] {0}));
    String q = ctx.temp();
    String dq = ctx.temp();
    ctx.node("QuantizeLinear", List.of(x, s, zp), List.of(q), Attributes.EMPTY);
    ctx.node("DequantizeLinear", List.of(q, s, zp), List.of(dq), Attributes.EMPTY);
    return dq;
  }

  /**
   * Adds ncnn's fused activation (9=type, 10=params) as FusedOps attributes.
   *
   * @return whether there is one (the node is then a mobilize fused op)
   */
  static boolean activation(NcnnParams p, Attributes.Builder a) {
    int type = p.getInt(9, 0);
    float[] ap = p.getFloats(10);
    switch (type) {
      case 0 -> {
        return false;
      }
      case 1 -> a.set(FusedOps.ACTIVATION, "Relu");
      case 2 -> a.set(FusedOps.ACTIVATION, "LeakyRelu").floats(FusedOps.ACTIVATION_PARAMS, ap[0]);
      case 3 -> a.set(FusedOps.ACTIVATION, "Clip").floats(FusedOps.ACTIVATION_PARAMS, ap[0], ap[1]);
      case 4 -> a.set(FusedOps.ACTIVATION, "Sigmoid");
      case 5 -> a.set(FusedOps.ACTIVATION, "Mish");
      case 6 -> {
        if (Math.abs(ap[0] - 1f / 6) > 1e-7 || ap[1] != 0.5f) {
          a.set(FusedOps.ACTIVATION, "HardSwish");
          throw new IllegalArgumentException("fused HardSwish with alpha " + ap[0] + " and beta " + ap[1]
              + " is not supported (only 1/6 and 0.5)");
        }
        a.set(FusedOps.ACTIVATION, "HardSwish");
      }
      default -> throw new IllegalArgumentException("activation_type " + type + " is not one of ncnn's 0..6");
    }
    return true;
  }
}
