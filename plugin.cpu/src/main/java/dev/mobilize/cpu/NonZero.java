package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX NonZero: the indices of non-zero elements, one row per dimension (int64 [rank, count]). */
final class NonZero implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    return (in, ex) -> {
      NdArray x = in[0];
      int r = x.rank();
      int count = 0;
      for (int i = 0; i < x.size(); i++) {
        if (x.getFloat(i) != 0 || x.l != null && x.l[i] != 0) {
          count++;
        }
      }
      long[] o = ex.longs(r * count);
      int[] st = Broadcast.stridesOf(x.shape);
      int j = 0;
      for (int i = 0; i < x.size(); i++) {
        if (x.getFloat(i) != 0 || x.l != null && x.l[i] != 0) {
          for (int d = 0; d < r; d++) {
            o[d * count + j] = (i / st[d]) % x.shape[d];
          }
          j++;
        }
      }
      return new NdArray[] {NdArray.ofLongs(new int[] {r, count}, o)};
    };
  }
}
