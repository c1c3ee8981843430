package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/**
 * ONNX BatchNormalization in inference mode: {@code y = (x - mean) / sqrt(var + epsilon) * scale + B}
 * per channel (dimension 1), as {@code y = x * a + b} with a and b computed once when constant.
 */
final class BatchNormalization implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    float eps = node.attributes().getFloat("epsilon", 1e-5f);
    if (node.attributes().getInt("training_mode", 0) != 0) {
      throw Broadcast.unsupported(node, "training_mode=1 is not supported, expected inference mode");
    }
    float[][] fixed = binding.constant(1) != null && binding.constant(2) != null && binding.constant(3) != null
        && binding.constant(4) != null
        ? coefficients(binding.constant(1), binding.constant(2), binding.constant(3), binding.constant(4), eps) : null;
    return (in, ex) -> {
      NdArray x = in[0];
      float[][] ab = fixed != null ? fixed : coefficients(in[1], in[2], in[3], in[4], eps);
      int c = x.rank() > 1 ? x.shape[1] : 1;
      if (ab[0].length != c) {
        throw Broadcast.error(node, "input " + x.shapeString() + " has " + c + " channels, scale has " + ab[0].length);
      }
      int n = x.shape[0];
      int plane = x.size() / Math.max(1, n * c);
      float[] o = ex.floats(x.size());
      float[] a = ab[0];
      float[] b = ab[1];
      ex.parallel.forRange(n * c, 4, (from, to) -> {
        for (int p = from; p < to; p++) {
          float s = a[p % c];
          float t = b[p % c];
          for (int i = p * plane, e = i + plane; i < e; i++) {
            o[i] = x.f[i] * s + t;
          }
        }
      });
      return new NdArray[] {NdArray.ofFloats(x.type, x.shape, o)};
    };
  }

  /** {@code a = scale / sqrt(var + eps)}, {@code b = B - mean * a}. */
  static float[][] coefficients(NdArray scale, NdArray bias, NdArray mean, NdArray var, float eps) {
    int c = scale.size();
    float[] a = new float[c];
    float[] b = new float[c];
    for (int i = 0; i < c; i++) {
      double s = scale.getFloat(i) / Math.sqrt(var.getFloat(i) + (double) eps);
      a[i] = (float) s;
      b[i] = (float) (bias.getFloat(i) - mean.getFloat(i) * s);
    }
    return new float[][] {a, b};
  }
}
