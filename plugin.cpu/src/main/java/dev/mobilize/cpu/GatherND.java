package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX GatherND with {@code batch_dims}. */
final class GatherND implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    int b = (int) node.attributes().getInt("batch_dims", 0);
    return (in, ex) -> {
      NdArray x = in[0];
      NdArray ind = in[1];
      int q = ind.rank();
      int k = ind.shape[q - 1];
      int r = x.rank();
      int[] shape = new int[q - 1 + r - k - b];
      int p = 0;
      for (int d = 0; d < q - 1; d++) {
        shape[p++] = ind.shape[d];
      }
      for (int d = b + k; d < r; d++) {
        shape[p++] = x.shape[d];
      }
      int slice = 1;
      for (int d = b + k; d < r; d++) {
        slice *= x.shape[d];
      }
      int batch = 1;
      for (int d = 0; d < b; d++) {
        batch *= x.shape[d];
      }
      int[] xs = Broadcast.stridesOf(x.shape);
      int tuples = ind.size() / Math.max(1, k);
      int perBatch = tuples / Math.max(1, batch);
      int batchStride = b == 0 ? 0 : xs[b - 1];
      NdArray out = Layout.alloc(ex, x.type, shape);
      for (int t = 0; t < tuples; t++) {
        int off = (t / Math.max(1, perBatch)) * batchStride;
        for (int j = 0; j < k; j++) {
          long v = ind.getLong(t * k + j);
          int len = x.shape[b + j];
          if (v < -len || v >= len) {
            throw Broadcast.error(node, "index " + v + " is out of range for dimension " + (b + j) + " of size " + len);
          }
          off += (int) (v < 0 ? v + len : v) * xs[b + j];
        }
        Layout.copy(x, off, out, t * slice, slice);
      }
      return new NdArray[] {out};
    };
  }
}
