package dev.mobilize.cpu;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Node;

/**
 * {@code mobilize.DequantizeInt8(x_q, scale) {zero_point}}: DequantizeLinear of an int8 tensor with a
 * scalar scale and the zero point of the attribute (default 0), {@code (x_q - zero_point) * scale}, that
 * reads the bytes the int8 kernels write ({@link FuseQdqForCpu}).
 */
final class DequantizeInt8 implements Kernel {

  @Override
  public Step bind(Node node, Binding binding) {
    int zero = (int) node.attributes().getInt("zero_point", 0);
    return (in, ex) -> {
      byte[] x = Int8Tensors.bytes(in[0]);
      NdArray scale = in[1];
      float s = scale.f[0];
      float[] o = ex.floats(x.length);
      ex.parallel.forRange(x.length, 16384, (a, b) -> {
        if (Int8Gemm.VECTOR) {
          VectorInt8.dequantize(x, zero, s, o, a, b);
          return;
        }
        for (int i = a; i < b; i++) {
          o[i] = (x[i] - zero) * s;
        }
      });
      return new NdArray[] {NdArray.ofFloats(scale.type == DataType.UNDEFINED ? DataType.FLOAT : scale.type,
          in[0].shape, o)};
    };
  }
}
