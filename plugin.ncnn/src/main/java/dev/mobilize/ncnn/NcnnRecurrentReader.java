package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * ncnn's LSTM and GRU layers as ONNX LSTM/GRU with layout 1: the blob {@code (T, I)} is the IR
 * value {@code [1, T, I]}, Y {@code [1, T, dirs, H]} is reshaped to ncnn's {@code (T, dirs·H)},
 * and the state blobs {@code (dirs, H)} are ONNX's layout-1 states {@code [1, dirs, H]}. The
 * weights go back from ncnn's gate order to ONNX's (see {@link NcnnRecurrentWriter}).
 */
final class NcnnRecurrentReader implements NcnnLayerReader {

  private final boolean lstm;

  NcnnRecurrentReader(boolean lstm) {
    this.lstm = lstm;
  }

  @Override
  public void read(NcnnParams p, ImportContext ctx) {
    int h = p.getInt(0, 0);
    int size = p.getInt(1, 0);
    int direction = p.getInt(2, 0);
    if (lstm && p.getInt(3, h) != h) {
      throw new IllegalArgumentException("hidden_size " + p.getInt(3, h) + " differs from num_output " + h
          + " (an LSTM with projection), which this reader does not support");
    }
    if (p.getInt(8, 0) != 0) {
      throw new IllegalArgumentException("int8 " + ctx.layer.type + " layers are not supported");
    }
    int dirs = direction == 2 ? 2 : 1;
    int gates = lstm ? 4 : 3;
    int[] order = lstm ? new int[] {0, 2, 1, 3} : new int[] {1, 0, 2};
    if (h <= 0 || size <= 0 || size % (dirs * gates * h) != 0 || direction < 0 || direction > 2) {
      throw new IllegalArgumentException("num_output " + h + ", weight_data_size " + size + " and direction "
          + direction + " do not fit together");
    }
    int in = size / (dirs * gates * h);
    String what = "'" + ctx.layer.name + "'";
    float[] wx = ctx.weights.tagged(size, "the input weights of " + what).data();
    float[] bc = ctx.weights.tagged(dirs * 4 * h, "the bias of " + what).data();
    float[] wh = ctx.weights.tagged(dirs * gates * h * h, "the recurrent weights of " + what).data();
    int gh = gates * h;
    float[] b = new float[dirs * 2 * gh];
    for (int d = 0; d < dirs; d++) {
      for (int k = 0; k < gates; k++) {
        for (int q = 0; q < h; q++) {
          // ncnn's summed bias goes to Wb (Rb stays 0); a GRU keeps Wb_h and Rb_h apart
          boolean apart = !lstm && k == 2;
          b[d * 2 * gh + order[k] * h + q] = bc[(d * 4 + k) * h + q];
          if (apart) {
            b[d * 2 * gh + gh + 2 * h + q] = bc[(d * 4 + 3) * h + q];
          }
        }
      }
    }
    String name = ctx.layer.name;
    List<String> ins = new ArrayList<>(List.of(ctx.in(0),
        ctx.constant(name + "_W", Tensor.ofFloats(new long[] {dirs, gh, in}, onnxRows(wx, dirs, order, h, in))),
        ctx.constant(name + "_R", Tensor.ofFloats(new long[] {dirs, gh, h}, onnxRows(wh, dirs, order, h, h))),
        ctx.constant(name + "_B", Tensor.ofFloats(new long[] {dirs, 2 * gh}, b))));
    int states = lstm ? 2 : 1;
    if (ctx.layer.inputs.size() > 1) {
      if (ctx.layer.inputs.size() != 1 + states) {
        throw new IllegalArgumentException(ctx.layer.type + " '" + name + "' has " + ctx.layer.inputs.size()
            + " inputs, expected 1 or " + (1 + states));
      }
      ins.add("");
      for (int s = 0; s < states; s++) {
        ins.add(ctx.in(1 + s));
      }
    }
    String y = ctx.temp();
    List<String> outs = new ArrayList<>(List.of(y));
    for (int o = 1; o < ctx.layer.outputs.size() && o <= states; o++) {
      outs.add(ctx.out(o));
    }
    Attributes.Builder a = Attributes.builder().set("hidden_size", (long) h).set("layout", 1L)
        .set("direction", direction == 2 ? "bidirectional" : direction == 1 ? "reverse" : "forward");
    if (!lstm) {
      a.set("linear_before_reset", 1L);
    }
    ctx.node(ctx.layer.type, ins, outs, a.build());
    // Y [1, T, dirs, H] as ncnn's (T, dirs·H)
    ctx.node("Reshape", List.of(y, ctx.constant(Tensor.vector(0, 0, -1))), List.of(ctx.out(0)), Attributes.EMPTY);
  }

  /** The {@code [dirs][gates·H][cols]} rows of ncnn's {@code m} with the gate blocks in ONNX's order. */
  private static float[] onnxRows(float[] m, int dirs, int[] order, int h, int cols) {
    int gates = order.length;
    float[] out = new float[m.length];
    for (int d = 0; d < dirs; d++) {
      for (int k = 0; k < gates; k++) {
        System.arraycopy(m, (d * gates + k) * h * cols, out, (d * gates + order[k]) * h * cols, h * cols);
      }
    }
    return out;
  }
}
