package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX LRN across channels: {@code x / (bias + alpha/size * sum of squares over nearby channels)^beta}. */
final class Lrn implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    float alpha = node.attributes().getFloat("alpha", 1e-4f);
    float beta = node.attributes().getFloat("beta", 0.75f);
    float bias = node.attributes().getFloat("bias", 1f);
    int size = (int) node.attributes().getInt("size");
    return (in, ex) -> {
      NdArray x = in[0];
      int n = x.shape[0];
      int c = x.shape[1];
      int plane = x.size() / Math.max(1, n * c);
      float[] o = ex.floats(x.size());
      int lo = (size - 1) / 2;
      int hi = size - 1 - lo;
      for (int b = 0; b < n; b++) {
        for (int ch = 0; ch < c; ch++) {
          for (int p = 0; p < plane; p++) {
            double sq = 0;
            for (int k = Math.max(0, ch - lo); k <= Math.min(c - 1, ch + hi); k++) {
              double v = x.f[(b * c + k) * plane + p];
              sq += v * v;
            }
            int i = (b * c + ch) * plane + p;
            o[i] = (float) (x.f[i] / Math.pow(bias + alpha / size * sq, beta));
          }
        }
      }
      return new NdArray[] {NdArray.ofFloats(x.type, x.shape, o)};
    };
  }
}
