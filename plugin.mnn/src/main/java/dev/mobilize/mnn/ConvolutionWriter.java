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
    String name = ExportContext.name(n);
    String y = separate ? c.fresh(n.output(0) + "__conv") : n.output(0);
    c.op(depthwise ? "ConvolutionDepthwise" : "Convolution", name, List.of(n.input(0)), List.of(y),
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
          int weight = half ? 0 : b.floats(wf);
          int quan = half ? fp16(b, wf) : 0;
          int bv = b.floats(bias);
          b.startTable(FIELDS);
          b.addOffset(COMMON, common);
          b.addOffset(WEIGHT, weight);
          b.addOffset(BIAS, bv);
          b.addOffset(QUAN_PARAMETER, quan);
          return b.endTable();
        });
    if (separate) {
      Activations.write(c, c.fresh(name + "__" + act), act, params, y, n.output(0));
    }
  }

  private static int fp16(FlatBuffers.Builder b, float[] w) {
    int buffer = b.bytes(Half.bytes(w));
    b.startTable(QUAN_FIELDS);
    b.addOffset(QUAN_BUFFER, buffer);
    b.addInt(QUAN_TYPE, QUAN_TYPE_FP16, 0);
    return b.endTable();
  }
}
