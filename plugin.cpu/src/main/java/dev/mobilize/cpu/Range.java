package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX Range: {@code start, start + delta, ...} up to (excluding) limit. */
final class Range implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    return (in, ex) -> {
      NdArray s = in[0];
      if (s.isFloat()) {
        float start = s.getFloat(0);
        float limit = in[1].getFloat(0);
        float delta = in[2].getFloat(0);
        int n = (int) Math.max(0, Math.ceil((limit - start) / delta));
        float[] o = ex.floats(n);
        for (int i = 0; i < n; i++) {
          o[i] = start + i * delta;
        }
        return new NdArray[] {NdArray.ofFloats(s.type, new int[] {n}, o)};
      }
      long start = s.getLong(0);
      long limit = in[1].getLong(0);
      long delta = in[2].getLong(0);
      if (delta == 0) {
        throw Broadcast.error(node, "delta is 0, expected a non-zero step");
      }
      int n = (int) Math.max(0, Math.ceil((double) (limit - start) / delta));
      long[] o = ex.longs(n);
      for (int i = 0; i < n; i++) {
        o[i] = start + i * delta;
      }
      return new NdArray[] {NdArray.ofLongs(s.type, new int[] {n}, o)};
    };
  }
}
