package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX GlobalAveragePool and GlobalMaxPool: one value per (batch, channel), spatial dims kept as 1. */
final class GlobalPool implements Kernel {

  private final boolean max;

  GlobalPool(boolean max) {
    this.max = max;
  }

  @Override
  public Step bind(Node node, Binding binding) {
    return (in, ex) -> {
      NdArray x = in[0];
      int planes = x.shape[0] * x.shape[1];
      int len = planes == 0 ? 0 : x.size() / planes;
      float[] o = ex.floats(planes);
      for (int p = 0; p < planes; p++) {
        double acc = max ? Double.NEGATIVE_INFINITY : 0;
        for (int i = p * len, e = i + len; i < e; i++) {
          acc = max ? Math.max(acc, x.f[i]) : acc + x.f[i];
        }
        o[p] = (float) (max ? acc : acc / len);
      }
      int[] shape = x.shape.clone();
      for (int d = 2; d < shape.length; d++) {
        shape[d] = 1;
      }
      return new NdArray[] {NdArray.ofFloats(x.type, shape, o)};
    };
  }
}
