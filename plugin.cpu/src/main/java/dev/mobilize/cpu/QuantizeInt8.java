package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/**
 * {@code mobilize.QuantizeInt8(x, scale)}: QuantizeLinear to int8 with a scalar scale and zero point
 * 0 ({@code saturate(round_half_even(x / scale))}), written as bytes for the int8 kernels
 * ({@link FuseQdqForCpu}).
 */
final class QuantizeInt8 implements Kernel {

  @Override
  public Step bind(Node node, Binding binding) {
    return (in, ex) -> {
      NdArray x = in[0];
      float scale = in[1].f[0];
      int n = x.size();
      byte[] o = ex.bytes(n);
      float[] f = x.floats();
      ex.parallel.forRange(n, 16384, (a, b) -> {
        if (Int8Gemm.VECTOR) {
          VectorInt8.quantize(f, scale, o, a, b);
          return;
        }
        for (int i = a; i < b; i++) {
          // float32 division, as the reference computes it
          o[i] = (byte) Math.max(-128, Math.min(127, Math.rint(f[i] / scale)));
        }
      });
      return new NdArray[] {NdArray.ofBytes(x.shape, o)};
    };
  }
}
