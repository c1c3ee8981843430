package dev.mobilize.quant;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Symmetric int8 per-channel weights and int32 biases:
 * {@code W_scale[c] = max|W[c]| / 127} (1 for a channel of zeros),
 * {@code W_q = clamp(round_half_even(W / W_scale), -127, 127)};
 * {@code B_scale[c] = x_scale · W_scale[c]}, {@code B_q = clamp(round_half_even(B / B_scale), int32)}.
 */
final class ChannelQuantization {

  /**
   * Quantized weights.
   *
   * @param values int8 weights, same dims
   * @param scales one per channel
   */
  record Weights(Tensor values, float[] scales) {}

  private ChannelQuantization() {}

  static Weights weights(Tensor w, int axis) {
    long[] dims = w.dims();
    float[] v = w.toFloatArray();
    int channels = (int) dims[axis];
    int inner = 1;
    for (int d = axis + 1; d < dims.length; d++) {
      inner *= (int) dims[d];
    }
    float[] max = new float[channels];
    for (int i = 0; i < v.length; i++) {
      int c = (i / inner) % channels;
      max[c] = Math.max(max[c], Math.abs(v[i]));
    }
    float[] scales = new float[channels];
    for (int c = 0; c < channels; c++) {
      scales[c] = max[c] == 0f ? 1f : max[c] / 127f;
    }
    byte[] q = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      // float32 division, as QuantizeLinear computes it
      float r = (float) Math.rint(v[i] / scales[(i / inner) % channels]);
      q[i] = (byte) Math.max(-127, Math.min(127, (int) r));
    }
    return new Weights(Tensor.of(DataType.INT8, dims, q), scales);
  }

  /** The int32 bias for input scale {@code xScale} and weight scales {@code wScales}. */
  static Tensor bias(Tensor b, float xScale, float[] wScales) {
    float[] v = b.toFloatArray();
    ByteBuffer out = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int c = 0; c < v.length; c++) {
      float s = biasScale(xScale, wScales[c]);
      double r = Math.rint(v[c] / s);
      out.putInt((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, r)));
    }
    return Tensor.of(DataType.INT32, b.dims(), out.array());
  }

  static float biasScale(float xScale, float wScale) {
    return xScale * wScale;
  }

  static float[] biasScales(float xScale, float[] wScales) {
    float[] s = new float[wScales.length];
    for (int c = 0; c < s.length; c++) {
      s[c] = biasScale(xScale, wScales[c]);
    }
    return s;
  }
}
