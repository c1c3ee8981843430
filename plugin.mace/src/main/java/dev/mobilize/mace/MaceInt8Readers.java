package dev.mobilize.mace;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Tensor;
import dev.mobilize.mace.proto.MaceNet;
import dev.mobilize.mace.proto.MaceNet.ConstTensor;
import dev.mobilize.mace.proto.MaceNet.OperatorDef;
import dev.mobilize.mace.proto.MaceNet.QuantizeActivationInfo;
import java.util.List;

/**
 * Reads MACE's quantized CPU ops back as QDQ: {@code Quantize} as QuantizeLinear (uint8, the op's
 * scale and zero point), {@code Dequantize} as DequantizeLinear (its input's), and a uint8
 * {@code Conv2D}, {@code DepthwiseConv2d} or {@code Pooling} as DequantizeLinear of its input, the
 * float op on the dequantized weights ({@code scale · (q − zero_point)}, filters back from OHWI or
 * [kh, kw, C, 1]; the int32 bias times its scale), and QuantizeLinear with the op's
 * {@code quantize_info}. Run op by op this is exactly the uint8 arithmetic up to MACE's fixed-point
 * rounding of the requantization.
 */
final class MaceInt8Readers {

  private MaceInt8Readers() {}

  /** The reader of a quantized op, or null if the op is a float op. */
  static MaceReaders.Reader reader(OperatorDef op) {
    switch (op.getType()) {
      case "Quantize":
        return MaceInt8Readers::quantize;
      case "Dequantize":
        return MaceInt8Readers::dequantize;
      default:
        break;
    }
    if (new Args(op).i("T", MaceNet.DataType.DT_FLOAT_VALUE) != MaceNet.DataType.DT_UINT8_VALUE) {
      return null;
    }
    return switch (op.getType()) {
      case "Conv2D", "DepthwiseConv2d" -> MaceInt8Readers::conv;
      case "Pooling" -> MaceInt8Readers::pooling;
      default -> null;
    };
  }

  private static float[] info(OperatorDef op) {
    if (op.getQuantizeInfoCount() == 0) {
      throw new IllegalArgumentException("the uint8 op has no quantize_info (scale and zero point of its output)");
    }
    QuantizeActivationInfo q = op.getQuantizeInfo(0);
    if (!(q.getScale() > 0)) {
      throw new IllegalArgumentException("quantize_info scale " + q.getScale() + " is not positive (a range MACE "
          + "finds at run time, find_range_every_time, is not read)");
    }
    return new float[] {q.getScale(), q.getZeroPoint()};
  }

  private static String scale(ImportContext ctx, float s) {
    return ctx.constant("scale", Tensor.scalar(s));
  }

  private static String zeroPoint(ImportContext ctx, float zp) {
    return ctx.constant("zero_point", Tensor.of(DataType.UINT8, new long[0], new byte[] {(byte) (int) zp}));
  }

  /** DequantizeLinear of a uint8 value into a new float value. */
  private static String dequantized(String v, ImportContext ctx) {
    float[] sz = ctx.uint8.get(v);
    if (sz == null) {
      throw new IllegalArgumentException("input '" + v + "' is no uint8 value (no quantized op produced it)");
    }
    String out = ctx.temp("dequantized");
    ctx.node("DequantizeLinear", List.of(v, scale(ctx, sz[0]), zeroPoint(ctx, sz[1])), List.of(out),
        dev.mobilize.ir.Attributes.EMPTY);
    return out;
  }

  /** QuantizeLinear of a float value into the op's uint8 output. */
  private static void quantizeOutput(String f, OperatorDef op, ImportContext ctx) {
    float[] sz = info(op);
    ctx.node("QuantizeLinear", List.of(f, scale(ctx, sz[0]), zeroPoint(ctx, sz[1])), List.of(op.getOutput(0)),
        dev.mobilize.ir.Attributes.EMPTY);
    ctx.uint8.put(op.getOutput(0), sz);
  }

  static void quantize(OperatorDef op, Args a, ImportContext ctx) {
    quantizeOutput(op.getInput(0), op, ctx);
  }

  static void dequantize(OperatorDef op, Args a, ImportContext ctx) {
    float[] sz = ctx.uint8.get(op.getInput(0));
    if (sz == null) {
      throw new IllegalArgumentException("input '" + op.getInput(0) + "' is no uint8 value");
    }
    ctx.node("DequantizeLinear", List.of(op.getInput(0), scale(ctx, sz[0]), zeroPoint(ctx, sz[1])),
        List.of(op.getOutput(0)), dev.mobilize.ir.Attributes.EMPTY);
  }

  static void pooling(OperatorDef op, Args a, ImportContext ctx) {
    if (a.i("pooling_type", MaceReaders.POOL_AVG) != MaceReaders.POOL_MAX) {
      throw new IllegalArgumentException("uint8 pooling other than MAX is not read");
    }
    String x = dequantized(op.getInput(0), ctx);
    String y = ctx.temp("float");
    MaceReaders.pooling(op.toBuilder().setInput(0, x).setOutput(0, y).build(), a, ctx);
    quantizeOutput(y, op, ctx);
  }

  /** A uint8 convolution as the float convolution of dequantized values, requantized. */
  static void conv(OperatorDef op, Args a, ImportContext ctx) {
    ConstTensor fm = ctx.constTensors.get(op.getInput(1));
    Tensor f = ctx.initializers.get(op.getInput(1));
    if (fm == null || f == null || f.rank() != 4 || fm.getDataType() != MaceNet.DataType.DT_UINT8) {
      throw new IllegalArgumentException("the filter '" + op.getInput(1) + "' must be a constant uint8 4-D tensor");
    }
    boolean depthwise = op.getType().equals("DepthwiseConv2d");
    long[] d = f.dims();
    byte[] q = f.toByteArray();
    float s = fm.getScale();
    int zp = fm.getZeroPoint();
    float[] w = new float[q.length];
    long[] mace;
    if (depthwise) {
      // [kh, kw, C, multiplier 1] to MACE's float depthwise layout [1, C, kh, kw]
      int kh = (int) d[0];
      int kw = (int) d[1];
      int c = (int) d[2];
      if (d[3] != 1) {
        throw new IllegalArgumentException("depthwise multiplier " + d[3] + " is not read; expected 1");
      }
      for (int y = 0; y < kh; y++) {
        for (int x = 0; x < kw; x++) {
          for (int ci = 0; ci < c; ci++) {
            w[(ci * kh + y) * kw + x] = s * ((q[(y * kw + x) * c + ci] & 0xff) - zp);
          }
        }
      }
      mace = new long[] {1, c, kh, kw};
    } else {
      // OHWI to OIHW
      int m = (int) d[0];
      int kh = (int) d[1];
      int kw = (int) d[2];
      int c = (int) d[3];
      for (int o = 0; o < m; o++) {
        for (int y = 0; y < kh; y++) {
          for (int x = 0; x < kw; x++) {
            for (int ci = 0; ci < c; ci++) {
              w[((o * c + ci) * kh + y) * kw + x] = s * ((q[((o * kh + y) * kw + x) * c + ci] & 0xff) - zp);
            }
          }
        }
      }
      mace = new long[] {m, c, kh, kw};
    }
    OperatorDef.Builder b = op.toBuilder();
    b.setInput(0, dequantized(op.getInput(0), ctx));
    b.setInput(1, ctx.constant("filter_float", Tensor.ofFloats(mace, w)));
    if (op.getInputCount() > 2) {
      ConstTensor bm = ctx.constTensors.get(op.getInput(2));
      Tensor bias = ctx.initializers.get(op.getInput(2));
      if (bm == null || bias == null) {
        throw new IllegalArgumentException("the bias '" + op.getInput(2) + "' must be constant");
      }
      float[] bf = bias.toFloatArray();
      float bs = bm.getDataType() == MaceNet.DataType.DT_INT32 ? bm.getScale() : 1f;
      for (int i = 0; i < bf.length; i++) {
        bf[i] = bf[i] * bs;
      }
      b.setInput(2, ctx.constant("bias_float", Tensor.ofFloats(bias.dims(), bf)));
    }
    String y = ctx.temp("float");
    b.setOutput(0, y);
    MaceReaders.conv(b.build(), new Args(b.build()), ctx);
    quantizeOutput(y, op, ctx);
  }
}
