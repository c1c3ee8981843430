package dev.mobilize.cpu;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Node;

/**
 * ONNX MatMulInteger ({@code (A - a_zero_point) * (B - b_zero_point)} in int32) and QLinearMatMul
 * (the same product requantized: {@code saturate(round(acc * a_scale * b_scale / y_scale) + y_zero_point)}),
 * in exact integer arithmetic with numpy matmul broadcasting.
 */
final class IntegerMatMul implements Kernel {

  private final boolean qlinear;

  IntegerMatMul(boolean qlinear) {
    this.qlinear = qlinear;
  }

  @Override
  public Step bind(Node node, Binding binding) {
    return (in, ex) -> {
      NdArray a = in[0];
      NdArray b = qlinear ? in[3] : in[1];
      NdArray azp = qlinear ? in[2] : in.length > 2 ? in[2] : null;
      NdArray bzp = qlinear ? in[5] : in.length > 3 ? in[3] : null;
      int[] as = a.rank() == 1 ? new int[] {1, a.shape[0]} : a.shape;
      int[] bs = b.rank() == 1 ? new int[] {b.shape[0], 1} : b.shape;
      int m = as[as.length - 2];
      int k = as[as.length - 1];
      int n = bs[bs.length - 1];
      if (bs[bs.length - 2] != k) {
        throw Broadcast.error(node, "cannot multiply " + a.shapeString() + " by " + b.shapeString());
      }
      int[] batchA = java.util.Arrays.copyOf(as, as.length - 2);
      int[] batchB = java.util.Arrays.copyOf(bs, bs.length - 2);
      int[] batch = Broadcast.shape(node, batchA, batchB);
      int nb = NdArray.numElements(batch);
      int[] ia = Broadcast.indexMap(batchA, batch);
      int[] ib = Broadcast.indexMap(batchB, batch);
      long[] acc = new long[nb * m * n];
      for (int t = 0; t < nb; t++) {
        for (int i = 0; i < m; i++) {
          long za = azp == null ? 0 : azp.size() == 1 ? azp.l[0] : azp.l[i];
          for (int j = 0; j < n; j++) {
            long zb = bzp == null ? 0 : bzp.size() == 1 ? bzp.l[0] : bzp.l[j];
            long s = 0;
            for (int kk = 0; kk < k; kk++) {
              s += (a.l[ia[t] * m * k + i * k + kk] - za) * (b.l[ib[t] * k * n + kk * n + j] - zb);
            }
            acc[(t * m + i) * n + j] = s;
          }
        }
      }
      int[] shape = java.util.Arrays.copyOf(batch, batch.length + 2);
      shape[batch.length] = m;
      shape[batch.length + 1] = n;
      if (a.rank() == 1 || b.rank() == 1) {
        shape = a.rank() == 1 ? java.util.Arrays.copyOf(batch, batch.length + 1) : shape;
        if (a.rank() == 1) {
          shape[batch.length] = n;
        }
      }
      if (!qlinear) {
        long[] o = ex.longs(acc.length);
        System.arraycopy(acc, 0, o, 0, acc.length);
        return new NdArray[] {NdArray.ofLongs(DataType.INT32, shape, o)};
      }
      NdArray ys = in[6];
      NdArray yzp = in.length > 7 ? in[7] : null;
      DataType t = yzp == null ? DataType.UINT8 : yzp.type;
      long lo = Quantize.min(node, t);
      long hi = Quantize.max(t);
      long[] o = ex.longs(acc.length);
      for (int e = 0; e < acc.length; e++) {
        int i = (e / n) % m;
        int j = e % n;
        double sa = in[1].size() == 1 ? in[1].f[0] : in[1].f[i];
        double sb = in[4].size() == 1 ? in[4].f[0] : in[4].f[j];
        double y = Math.rint(acc[e] * (sa * sb / ys.f[0])) + (yzp == null ? 0 : yzp.l[0]);
        o[e] = (long) Math.max(lo, Math.min(hi, y));
      }
      return new NdArray[] {NdArray.ofLongs(t, shape, o)};
    };
  }
}
