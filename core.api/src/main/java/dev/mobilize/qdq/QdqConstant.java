package dev.mobilize.qdq;

import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;

/**
 * A dequantized constant {@code DequantizeLinear(q, scale, zp) {axis}} whose inputs are all
 * initializers: a quantized weight or bias.
 *
 * @param dequantize the DequantizeLinear node
 * @param values the integer values {@code q} (int8 weight, int32 bias, ...)
 * @param scale one scale, or one per index of {@code axis}
 * @param zeroPoint the zero points as given (like {@code scale}), or an empty array when absent (all 0)
 * @param axis the quantization axis, made non-negative
 */
public record QdqConstant(Node dequantize, Tensor values, float[] scale, long[] zeroPoint, int axis) {

  /** Whether every zero point is 0 (or absent). */
  public boolean symmetric() {
    for (long z : zeroPoint) {
      if (z != 0) {
        return false;
      }
    }
    return true;
  }

  /** The float constant it stands for, {@code (q - zp) · scale}, per tensor or along {@link #axis}. */
  public Tensor dequantized() {
    float[] v = values.toFloatArray();
    long[] d = values.dims();
    long inner = 1;
    for (int i = axis + 1; i < d.length; i++) {
      inner *= d[i];
    }
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      int c = scale.length == 1 ? 0 : (int) ((i / inner) % d[axis]);
      float z = zeroPoint.length == 0 ? 0f : zeroPoint[zeroPoint.length == 1 ? 0 : c];
      out[i] = (v[i] - z) * scale[c];
    }
    return Tensor.ofFloats(d, out);
  }
}
