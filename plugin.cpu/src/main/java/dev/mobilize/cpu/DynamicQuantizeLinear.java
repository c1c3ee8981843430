package dev.mobilize.cpu;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Node;

/**
 * ONNX DynamicQuantizeLinear: uint8 quantization with scale {@code (max(0, max x) - min(0, min x)) / 255}
 * and zero point {@code saturate(round(-min / scale))}.
 */
final class DynamicQuantizeLinear implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    return (in, ex) -> {
      float[] x = in[0].f;
      double lo = 0;
      double hi = 0;
      for (float v : x) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      float scale = (float) ((hi - lo) / 255);
      float zpf = scale == 0 ? 0 : (float) Math.rint(Math.max(0, Math.min(255, -lo / scale)));
      long zp = (long) zpf;
      long[] o = ex.longs(x.length);
      for (int i = 0; i < x.length; i++) {
        double q = scale == 0 ? 0 : Math.rint(x[i] / (double) scale) + zp;
        o[i] = (long) Math.max(0, Math.min(255, q));
      }
      return new NdArray[] {NdArray.ofLongs(DataType.UINT8, in[0].shape, o),
          NdArray.ofFloats(new int[0], new float[] {scale}),
          NdArray.ofLongs(DataType.UINT8, new int[0], new long[] {zp})};
    };
  }
}
