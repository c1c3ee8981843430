package dev.mobilize.mnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.FusedOps;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import java.util.List;

/**
 * Conv and mobilize.FusedConv as Convolution2D (ConvolutionDepthwise when each group is one input and
 * one output channel): weights [oc, ic/group, kh, kw] inline, pads [top, left, bottom, right]. MNN
 * fuses only Relu and Relu6 into a convolution; any other activation follows as its own op. With half
 * storage the weights go into {@code quanParameter} as IDSTQuan type 3 (fp16), as MNNConvert --fp16
 * writes them; the bias stays float. Unlike MNNConvert, depthwise weights stay float: they are about
 * 2% of a MobileNet's weights, and with nine taps per output their rounding is not averaged out
 * (MobileNetV2's outputs move by 1.3e-2 of their range with them in half, 8e-3 without).
 * An int8 convolution of a QDQ graph ({@link Int8Lowering.Int8Conv}) is stored as MNN's calibration
 * tool stores one: {@code quanParameter} with the int8 weights (IDSTQuan type 4, raw int8, where the
 * tool bit-packs them as type 1), their per-output-channel scales in {@code alpha}, {@code scaleIn} and
 * {@code scaleOut} the input and output tensor scales, the bias in float, and {@code symmetricQuan}
 * with 8 bits and the int8 clamp range; MNN runs it as ConvInt8 (DepthwiseConvInt8) when both its
 * tensors carry int8 {@code quantInfo}. Its input and output are NC4HW4 tensors, converted from and to
 * NCHW by ConvertTensor ops, as in the models MNNConvert writes.
 */
final class ConvolutionWriter implements MnnOpWriter {

  // Convolution2D
  static final int COMMON = 0;
  static final int WEIGHT = 1;
  static final int BIAS = 2;
  static final int QUAN_PARAMETER = 3;
  static final int FIELDS = 7;
  // IDSTQuan
  static final int QUAN_BUFFER = 0;
  static final int QUAN_TYPE = 2;
  static final int QUAN_FIELDS = 16;
  static final int QUAN_TYPE_FP16 = 3;
  static final int QUAN_TYPE_INT8 = 4;
  static final int QUAN_ALPHA = 1;
  static final int QUAN_QUANT_SCALE = 4;
  static final int QUAN_SCALE_IN = 5;
  static final int QUAN_SCALE_OUT = 6;
  static final int QUAN_A_MAX_OR_BITS = 7;
  static final int QUAN_READ_TYPE = 9;
  // QuantizedFloatParam
  static final int SYMMETRIC_QUAN = 4;
  static final int SQ_NBITS = 5;
  static final int SQ_CLAMP_MIN = 8;
  static final int SQ_CLAMP_MAX = 9;
  static final int SQ_FIELDS = 13;

  @Override
  public void write(Node n, ExportContext c) {
    Attributes a = n.attributes();
    if (!a.getString("auto_pad", "NOTSET").equals("NOTSET")) {
      throw new IllegalArgumentException("auto_pad " + a.getString("auto_pad") + ": run shape inference to make pads explicit");
    }
    Tensor w = c.requireConstant(n.input(1), "weight");
    long[] wd = w.dims();
    if (wd.length != 4) {
      throw new IllegalArgumentException("only 2-D convolutions are written (weight rank " + wd.length + ")");
    }
    String act = n.opType().equals(FusedOps.FUSED_CONV) ? a.getString(FusedOps.ACTIVATION) : "";
    float[] params = a.floats(FusedOps.ACTIVATION_PARAMS, new float[0]);
    boolean relu = act.equals("Relu");
    boolean relu6 = act.equals("Clip") && params.length == 2 && params[0] == 0f && params[1] == 6f;
    boolean separate = !act.isEmpty() && !relu && !relu6;
    if (separate && Activations.unsupported(act, params) != null) {
      throw new IllegalArgumentException(Activations.unsupported(act, params));
    }
    float[] bias = n.hasInput(2) ? c.requireConstant(n.input(2), "bias").toFloatArray() : new float[(int) wd[0]];
    int group = (int) a.getInt("group", 1);
    long[] pads = a.ints("pads", new long[] {0, 0, 0, 0});
    long[] strides = a.ints("strides", new long[] {1, 1});
    long[] dil = a.ints("dilations", new long[] {1, 1});
    int oc = (int) wd[0];
    int ic = (int) wd[1] * group;
    boolean depthwise = group > 1 && group == oc && wd[1] == 1;
    float[] wf = w.toFloatArray();
    boolean half = c.half && !depthwise;
    Int8Lowering.Int8Conv q = c.int8.get(n.output(0));
    String name = ExportContext.name(n);
    String y = separate ? c.fresh(n.output(0) + "__conv") : n.output(0);
    String x = n.input(0);
    if (q != null) {
      x = c.nc4hw4(x, q.inputScale());
      y = c.fresh(n.output(0) + "__nc4hw4");
      c.scales.put(y, q.outputScale());
    }
    c.op(depthwise ? "ConvolutionDepthwise" : "Convolution", name, List.of(x), List.of(y),
        "Convolution2D", b -> {
          int padsVec = b.ints(new int[] {(int) pads[0], (int) pads[1], (int) pads[2], (int) pads[3]});
          b.startTable(17);
          b.addInt(2, (int) wd[3], 1);
          b.addInt(3, (int) wd[2], 1);
          b.addInt(4, (int) strides[1], 1);
          b.addInt(5, (int) strides[0], 1);
          b.addInt(6, (int) dil[1], 1);
          b.addInt(7, (int) dil[0], 1);
          b.addInt(9, group, 1);
          b.addInt(10, oc, 0);
          b.addInt(11, ic, 0);
          b.addBool(12, relu, false);
          b.addBool(13, relu6, false);
          b.addOffset(14, padsVec);
          int common = b.endTable();
          int weight = half || q != null ? 0 : b.floats(wf);
          int quan = q != null ? int8(b, q) : half ? fp16(b, wf) : 0;
          int symmetric = q != null ? symmetric(b) : 0;
          int bv = b.floats(bias);
          b.startTable(FIELDS);
          b.addOffset(COMMON, common);
          b.addOffset(WEIGHT, weight);
          b.addOffset(BIAS, bv);
          b.addOffset(QUAN_PARAMETER, quan);
          b.addOffset(SYMMETRIC_QUAN, symmetric);
          return b.endTable();
        });
    if (separate) {
      Activations.write(c, c.fresh(name + "__" + act), act, params, y, n.output(0));
    }
    if (q != null) {
      c.convertTensor(y, n.output(0), MnnSchema.NC4HW4, MnnSchema.NCHW);
      c.hasNc4hw4(n.output(0), y);
    }
  }

  private static int int8(FlatBuffers.Builder b, Int8Lowering.Int8Conv q) {
    int buffer = b.bytes(q.weight().toByteArray());
    int alpha = b.floats(q.weightScale());
    b.startTable(QUAN_FIELDS);
    b.addOffset(QUAN_BUFFER, buffer);
    b.addOffset(QUAN_ALPHA, alpha);
    b.addInt(QUAN_TYPE, QUAN_TYPE_INT8, 0);
    b.addFloat(QUAN_QUANT_SCALE, 1f, 0f);
    b.addFloat(QUAN_SCALE_IN, q.inputScale(), 0f);
    b.addFloat(QUAN_SCALE_OUT, q.outputScale(), 0f);
    b.addInt(QUAN_A_MAX_OR_BITS, 8, 0);
    return b.endTable();
  }

  /** 8 bits, clamp [-128, 127] (the schema's defaults, written as the calibration tool writes them). */
  private static int symmetric(FlatBuffers.Builder b) {
    b.startTable(SQ_FIELDS);
    b.addInt(SQ_NBITS, 8, 0);
    b.addByte(SQ_CLAMP_MIN, -128, 0);
    b.addByte(SQ_CLAMP_MAX, 127, 0);
    return b.endTable();
  }

  private static int fp16(FlatBuffers.Builder b, float[] w) {
    int buffer = b.bytes(Half.bytes(w));
    b.startTable(QUAN_FIELDS);
    b.addOffset(QUAN_BUFFER, buffer);
    b.addInt(QUAN_TYPE, QUAN_TYPE_FP16, 0);
    return b.endTable();
  }
}
