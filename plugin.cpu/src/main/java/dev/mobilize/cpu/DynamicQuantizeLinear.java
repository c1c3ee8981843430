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
      float lo = 0;
      float hi = 0;
      for (float v : x) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      // float32 arithmetic throughout, as the spec's reference computes it
      float scale = (hi - lo) / 255f;
      float zpf = scale == 0 ? 0 : (float) Math.rint(Math.max(0f, Math.min(255f, -lo / scale)));
      long zp = (long) zpf;
      long[] o = ex.longs(x.length);
      for (int i = 0; i < x.length; i++) {
        float q = scale == 0 ? 0 : (float) Math.rint(x[i] / scale) + zp;
        o[i] = (long) Math.max(0, Math.min(255, q));
      }
      return new NdArray[] {NdArray.ofLongs(DataType.UINT8, in[0].shape, o),
          NdArray.ofFloats(new int[0], new float[] {scale}),
          NdArray.ofLongs(DataType.UINT8, new int[0], new long[] {zp})};
    };
  }
}
