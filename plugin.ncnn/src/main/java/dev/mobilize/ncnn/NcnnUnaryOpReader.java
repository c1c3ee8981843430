package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Tensor;
import java.util.List;

/** UnaryOp op_type as the ONNX op of that name. */
final class NcnnUnaryOpReader implements NcnnLayerReader {

  private static final String[] OPS = {"Abs", "Neg", "Floor", "Ceil", "Square", "Sqrt", "Rsqrt", "Exp", "Log", "Sin",
      "Cos", "Tan", "Asin", "Acos", "Atan", "Reciprocal", "Tanh"};

  @Override
  public void read(NcnnParams p, ImportContext ctx) {
    int op = p.getInt(0, 0);
    if (op < 0 || op >= OPS.length) {
      throw new IllegalArgumentException("op_type " + op + " is not supported (0..16)");
    }
    String x = ctx.in(0);
    switch (OPS[op]) {
      case "Square" -> ctx.node("Mul", List.of(x, x), List.of(ctx.out(0)), Attributes.EMPTY);
      case "Rsqrt" -> {
        String s = ctx.temp();
        ctx.node("Sqrt", List.of(x), List.of(s), Attributes.EMPTY);
        ctx.node("Reciprocal", List.of(s), List.of(ctx.out(0)), Attributes.EMPTY);
      }
      default -> ctx.node(OPS[op], List.of(x), List.of(ctx.out(0)), Attributes.EMPTY);
    }
  }
}
