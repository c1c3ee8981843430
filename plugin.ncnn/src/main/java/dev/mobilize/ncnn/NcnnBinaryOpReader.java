package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Tensor;
import java.util.List;

/**
 * BinaryOp (and the scalar form with_scalar=1, b). Blobs of equal rank broadcast per axis as in
 * ONNX; a blob of lower rank is first reshaped as ncnn does ("expand inner axes": aligned to the
 * outer axes, except a 1-D blob matching the other's width).
 */
final class NcnnBinaryOpReader implements NcnnLayerReader {

  private static final String[] OPS = {"Add", "Sub", "Mul", "Div", "Max", "Min", "Pow", "Sub", "Div", "Pow"};

  @Override
  public void read(NcnnParams p, ImportContext ctx) {
    int op = p.getInt(0, 0);
    if (op < 0 || op >= OPS.length) {
      throw new IllegalArgumentException("op_type " + op + " is not supported (0..9)");
    }
    String a = ctx.in(0);
    String b;
    if (p.getInt(1, 0) != 0) {
      b = ctx.constant(Tensor.ofFloats(new long[0], p.getFloat(2, 0f)));
    } else {
      b = ctx.in(1);
      long[] da = ctx.layer.inputs.size() > 1 ? null : null;
      int ra = rank(ctx, a);
      int rb = rank(ctx, b);
      if (ra != rb) {
        if (ra < rb) {
          a = expand(ctx, a, b);
        } else {
          b = expand(ctx, b, a);
        }
      }
    }
    boolean reversed = op >= 7;
    ctx.node(OPS[op], reversed ? List.of(b, a) : List.of(a, b), List.of(ctx.out(0)), Attributes.EMPTY);
  }

  private static int rank(ImportContext ctx, String v) {
    return ctx.dims(v).length;
  }

  /** ncnn's reshape of the lower-rank blob {@code x} against {@code other}, as an IR Reshape. */
  private static String expand(ImportContext ctx, String x, String other) {
    long[] dx = ctx.dims(x);
    long[] dy = ctx.dims(other);
    int nx = dx.length - 1;
    int ny = dy.length - 1;
    long[] target = new long[ny + 1];
    java.util.Arrays.fill(target, 1);
    if (nx == 1) {
      long w = dx[1];
      if (ny == 2 ? w == dy[1] : w == dy[1]) {
        target[1] = w; // matches the outermost axis (h for 2-D, c for 3-D/4-D)
      } else {
        target[ny] = w; // matches the width
      }
    } else {
      for (int i = 0; i < nx; i++) {
        target[1 + i] = dx[1 + i];
      }
    }
    String r = ctx.temp();
    ctx.node("Reshape", List.of(x, ctx.constant(Tensor.vector(target))), List.of(r), Attributes.EMPTY);
    return r;
  }
}
