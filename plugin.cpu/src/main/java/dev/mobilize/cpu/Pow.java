package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX Pow: {@code a^b} with broadcasting; the result has the base's type (integer bases round toward zero). */
final class Pow implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    return (in, ex) -> {
      NdArray a = in[0];
      NdArray b = in[1];
      if (a.isFloat()) {
        NdArray r = Binary.apply(node, a, b, (x, y) -> (float) Math.pow(x, y), null, false, ex);
        return new NdArray[] {r.retype(a.type)};
      }
      if (b.isFloat()) {
        NdArray r = Binary.apply(node, a, b, (x, y) -> (float) Math.pow(x, y), null, false, ex);
        long[] o = ex.longs(r.size());
        for (int i = 0; i < o.length; i++) {
          o[i] = (long) r.f[i];
        }
        ex.release(r.f);
        return new NdArray[] {NdArray.ofLongs(a.type, r.shape, o)};
      }
      return new NdArray[] {Binary.apply(node, a, b, null, (x, y) -> (long) Math.pow(x, y), false, ex)};
    };
  }
}
