package dev.mobilize.ncnn;

import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ncnn.LSTM} and {@code ncnn.GRU} (made by {@link LowerRecurrent}) as ncnn's LSTM and GRU
 * layers: params 0 = num_output (H), 1 = weight_data_size (dirs·gates·H·I), 2 = direction
 * (0 forward, 1 reverse, 2 bidirectional); then three tagged weights per layer, each holding every
 * direction: weight_xc {@code [dirs][gates·H][I]}, bias_c {@code [dirs][4][H]} and weight_hc
 * {@code [dirs][gates·H][H]}.
 *
 * <p>Gate order: ONNX LSTM rows are {@code i, o, f, c}, ncnn's are {@code I, F, O, G}; its bias
 * rows are {@code Wb + Rb} per gate. ONNX GRU rows are {@code z, r, h}, ncnn's are {@code R, U, N}
 * and its four bias rows are {@code Wb_r + Rb_r, Wb_z + Rb_z, Wb_h, Rb_h}: ncnn computes
 * {@code N = tanh(Wb_h + x·W_hᵀ + R·(Rb_h + h·R_hᵀ))}, ONNX's {@code linear_before_reset=1}.
 * An LSTM with initial states reads both h and c; with states as outputs it writes both.
 */
final class NcnnRecurrentWriter implements NcnnLayerWriter {

  /** ONNX gate row block for each ncnn gate. */
  private static final int[] LSTM_GATES = {0, 2, 1, 3};
  private static final int[] GRU_GATES = {1, 0, 2};

  @Override
  public void write(Node node, ExportContext ctx) {
    boolean lstm = node.opType().equals("LSTM");
    int[] order = lstm ? LSTM_GATES : GRU_GATES;
    int gates = order.length;
    Tensor w = ctx.requireConstant(node, 1, "W");
    Tensor r = ctx.requireConstant(node, 2, "R");
    long[] wd = w.dims();
    long[] rd = r.dims();
    if (wd.length != 3 || rd.length != 3) {
      throw new CannotExpress("W " + w.shape() + " and R " + r.shape() + " must be 3-D");
    }
    int dirs = (int) wd[0];
    int h = (int) rd[2];
    int in = (int) wd[2];
    if (wd[1] != (long) gates * h || rd[1] != (long) gates * h || rd[0] != dirs) {
      throw new CannotExpress("W " + w.shape() + " and R " + r.shape() + " do not fit " + gates + " gates");
    }
    float[] b = node.hasInput(3) ? ctx.requireConstant(node, 3, "B").toFloatArray() : new float[dirs * 2 * gates * h];
    if (b.length != dirs * 2 * gates * h) {
      throw new CannotExpress("B has " + b.length + " values, expected " + dirs * 2 * gates * h);
    }
    List<String> ins = new ArrayList<>();
    ins.add(ctx.blob(node.input(0), 3));
    for (int i = 4; i < node.inputs().size(); i++) {
      if (!node.input(i).isEmpty()) {
        ins.add(ctx.blob(node.input(i), 3));
      }
    }
    NcnnLayer l = ctx.add(node.opType(), node, ins, node.outputs());
    String direction = node.attributes().getString("direction", "forward");
    l.params.set(0, h).set(1, dirs * gates * h * in)
        .setIfNot(2, direction.equals("bidirectional") ? 2 : direction.equals("reverse") ? 1 : 0, 0);
    l.taggedWeight(rows(w.toFloatArray(), dirs, order, h, in));
    float[] bias = new float[dirs * 4 * h];
    int gh = gates * h;
    for (int d = 0; d < dirs; d++) {
      float[] wb = java.util.Arrays.copyOfRange(b, d * 2 * gh, d * 2 * gh + gh);
      float[] rb = java.util.Arrays.copyOfRange(b, d * 2 * gh + gh, d * 2 * gh + 2 * gh);
      for (int k = 0; k < 4; k++) {
        for (int q = 0; q < h; q++) {
          // LSTM: row k = Wb + Rb of gate order[k]; GRU: R, U as sums, then Wb_h and Rb_h apart
          float v;
          if (lstm || k < 2) {
            v = wb[order[k] * h + q] + rb[order[k] * h + q];
          } else {
            v = k == 2 ? wb[2 * h + q] : rb[2 * h + q];
          }
          bias[(d * 4 + k) * h + q] = v;
        }
      }
    }
    l.taggedWeight(bias);
    l.taggedWeight(rows(r.toFloatArray(), dirs, order, h, h));
  }

  /** The {@code [dirs][gates·H][cols]} rows of {@code m} with the gate blocks in ncnn's order. */
  private static float[] rows(float[] m, int dirs, int[] order, int h, int cols) {
    int gates = order.length;
    float[] out = new float[m.length];
    for (int d = 0; d < dirs; d++) {
      for (int k = 0; k < gates; k++) {
        System.arraycopy(m, (d * gates + order[k]) * h * cols, out, (d * gates + k) * h * cols, h * cols);
      }
    }
    return out;
  }
}
