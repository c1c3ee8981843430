package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX InstanceNormalization: each (batch, channel) plane normalized by its own mean and variance. */
final class InstanceNormalization implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    float eps = node.attributes().getFloat("epsilon", 1e-5f);
    return (in, ex) -> {
      NdArray x = in[0];
      int n = x.shape[0];
      int c = x.shape[1];
      int plane = x.size() / Math.max(1, n * c);
      float[] o = ex.floats(x.size());
      ex.parallel.forRange(n * c, 1, (from, to) -> {
        for (int p = from; p < to; p++) {
          int s = p * plane;
          double mean = 0;
          for (int i = 0; i < plane; i++) {
            mean += x.f[s + i];
          }
          mean /= plane;
          double var = 0;
          for (int i = 0; i < plane; i++) {
            double d = x.f[s + i] - mean;
            var += d * d;
          }
          var /= plane;
          double a = in[1].getFloat(p % c) / Math.sqrt(var + eps);
          double b = in[2].getFloat(p % c) - mean * a;
          for (int i = 0; i < plane; i++) {
            o[s + i] = (float) (x.f[s + i] * a + b);
          }
        }
      });
      return new NdArray[] {NdArray.ofFloats(x.type, x.shape, o)};
    };
  }
}
