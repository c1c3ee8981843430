package dev.mobilize.mace;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import dev.mobilize.mace.proto.MaceNet;
import dev.mobilize.mace.proto.MaceNet.ConstTensor;
import dev.mobilize.mace.proto.MaceNet.OperatorDef;
import dev.mobilize.mace.proto.MaceNet.QuantizeActivationInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes the nodes {@link MaceInt8Lowering} lowered as MACE's quantized CPU ops, each with
 * {@code T = DT_UINT8}, {@code data_format = NHWC} (MACE's uint8 kernels are NHWC-only; its runtime
 * transposes float neighbours) and a {@code quantize_info} (scale, zero point, min, max) on its
 * output: QuantizeLinear as {@code Quantize}, DequantizeLinear as {@code Dequantize}
 * ({@code output_type DT_FLOAT}), Conv as {@code Conv2D} (OHWI filter) or {@code DepthwiseConv2d}
 * ([kh, kw, C, 1] filter), MaxPool as {@code Pooling}. Filters are DT_UINT8 ConstTensors with one
 * scale and zero point 128 (values 1..255, as gemmlowp's non-zero left-hand side wants); biases are
 * DT_INT32 with scale {@code input_scale · filter_scale} and zero point 0.
 */
final class MaceInt8Writers {

  private MaceInt8Writers() {}

  /** The writer of a lowered node, or null if the node is not lowered. */
  static MaceWriters.Writer writer(Node n) {
    if (!MaceInt8Lowering.lowered(n)) {
      return null;
    }
    return switch (n.opType()) {
      case "QuantizeLinear" -> MaceInt8Writers::quantize;
      case "DequantizeLinear" -> MaceInt8Writers::dequantize;
      case "Conv" -> MaceInt8Writers::conv;
      case "MaxPool" -> MaceInt8Writers::maxPool;
      default -> null;
    };
  }

  private static OperatorDef.Builder op(String type, String name, boolean nhwc) {
    return OperatorDef.newBuilder().setType(type).setName(name)
        .addArg(ExportContext.intArg("T", MaceNet.DataType.DT_UINT8_VALUE))
        .addArg(ExportContext.intArg("framework_type", Formats.FRAMEWORK_ONNX))
        .addArg(ExportContext.intArg("data_format", nhwc ? Formats.NHWC : Formats.NONE));
  }

  /** MACE's activation range of a uint8 value: {@code scale · (q − zero_point)} for q in 0..255. */
  static QuantizeActivationInfo range(float scale, long zeroPoint) {
    return QuantizeActivationInfo.newBuilder().setScale(scale).setZeroPoint((int) zeroPoint)
        .setMinval(scale * (0 - zeroPoint)).setMaxval(scale * (255 - zeroPoint)).build();
  }

  private static QuantizeActivationInfo range(Node n) {
    return range(n.attributes().getFloat(MaceInt8Lowering.SCALE), n.attributes().getInt(MaceInt8Lowering.ZERO_POINT));
  }

  static void quantize(Node n, ExportContext ctx) {
    boolean nhwc = ctx.rank(n.input(0)) == 4;
    OperatorDef.Builder b = op("Quantize", n.name(), nhwc).addInput(n.input(0))
        .addArg(ExportContext.intArg("find_range_every_time", 0)).addArg(ExportContext.intArg("non_zero", 0))
        .addQuantizeInfo(range(n)).addOutputType(MaceNet.DataType.DT_UINT8);
    ctx.add(b, nhwc, n.outputs());
  }

  static void dequantize(Node n, ExportContext ctx) {
    boolean nhwc = ctx.rank(n.input(0)) == 4;
    OperatorDef.Builder b = op("Dequantize", n.name(), nhwc).addInput(n.input(0))
        .addOutputType(MaceNet.DataType.DT_FLOAT);
    ctx.add(b, nhwc, n.outputs());
  }

  static void maxPool(Node n, ExportContext ctx) {
    Attributes a = n.attributes();
    OperatorDef.Builder b = op("Pooling", n.name(), true).addInput(n.input(0));
    MaceWriters.windowArgs(n, b, a.ints("kernel_shape"));
    b.addArg(ExportContext.intArg("pooling_type", MaceReaders.POOL_MAX));
    b.addArg(ExportContext.intArg("round_mode", a.getInt("ceil_mode", 0) != 0 ? MaceReaders.ROUND_CEIL : 0));
    b.addQuantizeInfo(range(n));
    ctx.add(b, true, n.outputs());
  }

  /**
   * A uint8 convolution: the per-channel int8 weight requantized to one scale {@code max|W|/127}
   * (MACE's uint8 tensors carry one scale), the float bias quantized with
   * {@code input_scale · filter_scale}.
   */
  static void conv(Node n, ExportContext ctx) {
    Attributes a = n.attributes();
    Tensor w = ctx.constant(n.input(1));
    long[] d = w.dims();
    int m = (int) d[0];
    int c = (int) d[1];
    int kh = (int) d[2];
    int kw = (int) d[3];
    float[] ws = a.tensor(MaceInt8Lowering.WEIGHT_SCALE).toFloatArray();
    byte[] q = w.toByteArray();
    int per = c * kh * kw;
    float max = 0;
    for (int o = 0; o < m; o++) {
      float s = ws[ws.length == 1 ? 0 : o];
      for (int k = 0; k < per; k++) {
        max = Math.max(max, Math.abs(q[o * per + k] * s));
      }
    }
    float scale = max == 0 ? 1f : max / 127f;
    byte[] u8 = new byte[q.length];
    boolean depthwise = a.getInt("group", 1) != 1;
    for (int o = 0; o < m; o++) {
      float s = ws[ws.length == 1 ? 0 : o];
      for (int ci = 0; ci < c; ci++) {
        for (int y = 0; y < kh; y++) {
          for (int x = 0; x < kw; x++) {
            int v = Math.round(Math.max(-127f, Math.min(127f, (float) Math.rint(q[((o * c + ci) * kh + y) * kw + x] * s
                / scale)))) + 128;
            // OHWI for Conv2D; [kh, kw, C, 1] for depthwise (c == 1, o is the channel)
            int at = depthwise ? (y * kw + x) * m + o : ((o * kh + y) * kw + x) * c + ci;
            u8[at] = (byte) v;
          }
        }
      }
    }
    long[] fdims = depthwise ? new long[] {kh, kw, m, 1} : new long[] {m, kh, kw, c};
    String filter = ctx.rawWeight(ConstTensor.newBuilder().setName(n.input(1))
        .setDataType(MaceNet.DataType.DT_UINT8).setScale(scale).setZeroPoint(128).setMinval(-128 * scale)
        .setMaxval(127 * scale), fdims, u8);
    float inScale = a.getFloat(MaceInt8Lowering.INPUT_SCALE);
    float biasScale = inScale * scale;
    float[] bf = a.tensor(MaceInt8Lowering.BIAS).toFloatArray();
    ByteBuffer bb = ByteBuffer.allocate(bf.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : bf) {
      bb.putInt((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, Math.rint(v / biasScale))));
    }
    String bias = ctx.rawWeight(ConstTensor.newBuilder().setName(ctx.fresh(n.name() + "_bias_int32"))
        .setDataType(MaceNet.DataType.DT_INT32).setScale(biasScale).setZeroPoint(0), new long[] {m}, bb.array());
    OperatorDef.Builder b = op(depthwise ? "DepthwiseConv2d" : "Conv2D", n.name(), true)
        .addInput(n.input(0)).addInput(filter).addInput(bias);
    MaceWriters.windowArgs(n, b, new long[] {kh, kw});
    b.addArg(ExportContext.intsArg("dilations", 1, 1));
    b.addQuantizeInfo(range(n));
    ctx.add(b, true, n.outputs());
  }
}
