package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/**
 * {@code mobilize.QuantizeInt8(x, scale) {zero_point}}: QuantizeLinear to int8 with a scalar scale and
 * the zero point of the attribute (default 0): {@code saturate(round_half_even(x / scale) + zero_point)},
 * written as bytes for the int8 kernels ({@link FuseQdqForCpu}).
 */
final class QuantizeInt8 implements Kernel {

  @Override
  public Step bind(Node node, Binding binding) {
    int zero = (int) node.attributes().getInt("zero_point", 0);
    return (in, ex) -> {
      NdArray x = in[0];
      float scale = in[1].f[0];
      int n = x.size();
      byte[] o = ex.bytes(n);
      float[] f = x.floats();
      ex.parallel.forRange(n, 16384, (a, b) -> {
        if (Int8Gemm.VECTOR) {
          VectorInt8.quantize(f, scale, zero, o, a, b);
          return;
        }
        for (int i = a; i < b; i++) {
          // float32 division, as the reference computes it
          o[i] = (byte) Math.max(-128, Math.min(127, Math.rint(f[i] / scale) + zero));
        }
      });
      return new NdArray[] {NdArray.ofBytes(x.shape, o)};
    };
  }
}
