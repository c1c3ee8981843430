package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/**
 * {@code mobilize.Int8Gemm(x_q, x_scale, W_q, W_scale, B_q, y_scale) {transB}}: Gemm or MatMul with a
 * constant weight on int8 tensors, made by {@link FuseQdqForCpu}. {@code x} is {@code [..., K]},
 * {@code W} is {@code [N, K]} ({@code transB=1}) or {@code [K, N]}, the result {@code [..., N]}:
 * {@code y_q[r][j] = requantize(B_q[j] + sum_k (x_q[r][k] - x_zero_point) W_q[j][k])} per output column
 * {@code j}, with the zero points in the attributes {@code x_zero_point}, {@code y_zero_point} (default 0).
 * Computed on the float GEMM {@code x W^T} when that is exact ({@link ExactFloatInt8Conv#exact}), else
 * as the int8 GEMM {@code W x^T} (input zero point 0 only); the weights are packed once.
 */
final class Int8MatMul implements Kernel {

  @Override
  public Step bind(Node node, Binding binding) {
    Int8Operands o = Int8Operands.bind(node, binding, 2);
    NdArray xScale = o.xScale();
    NdArray w = o.w();
    NdArray wScale = o.wScale();
    NdArray b = o.b();
    NdArray yScale = o.yScale();
    boolean transB = node.attributes().getInt("transB", 0) != 0;
    int n = transB ? w.dim(0) : w.dim(1);
    int k = transB ? w.dim(1) : w.dim(0);
    byte[] wb = Int8Tensors.bytes(w);
    if (!transB) {
      byte[] t = new byte[wb.length];
      for (int i = 0; i < k; i++) {
        for (int j = 0; j < n; j++) {
          t[j * k + i] = wb[i * n + j];
        }
      }
      wb = t;
    }
    int xZero = o.xZero();
    int yZero = o.yZero();
    // W^T as floats (k x n) when the sums are exact in float32 (see ExactFloatInt8Conv), else packed int8
    float[] wt = ExactFloatInt8Conv.exact(wb, n, k, xZero) ? new float[k * n] : null;
    if (wt == null && xZero != 0) {
      throw new IllegalStateException(node.describe() + ": an input zero point needs weights on the exact float path");
    }
    if (wt != null) {
      for (int j = 0; j < n; j++) {
        for (int i = 0; i < k; i++) {
          wt[i * n + j] = wb[j * k + i];
        }
      }
    }
    int[] wp = wt != null ? null : Int8Gemm.packA(wb, 0, n, k);
    int[] bias = b == null ? null : Int8Tensors.ints(b);
    Requantize rq = new Requantize(xScale.f[0], Int8Tensors.perChannel(wScale, n), yScale.f[0], yZero,
        Activation.of(node));
    return (in, ex) -> {
      NdArray x = in[0];
      if (x.rank() < 1 || x.dim(-1) != k) {
        throw Broadcast.error(node, "input " + x.shapeString() + " does not have " + k + " columns");
      }
      byte[] xb = Int8Tensors.bytes(x);
      int rows = x.size() / k;
      int[] shape = x.shape.clone();
      shape[shape.length - 1] = n;
      byte[] out = ex.bytes(rows * n);
      if (wt != null) {
        float[] xf = new float[xb.length];
        for (int i = 0; i < xb.length; i++) {
          xf[i] = xb[i] - xZero;
        }
        float[] sums = ex.floats(rows * n);
        Sgemm.gemm(rows, n, k, Sgemm.pack(xf, 0, rows, k, k), wt, 0, n, sums, 0, n, null, 0, Float.NEGATIVE_INFINITY,
            Float.POSITIVE_INFINITY, ex.parallel);
        for (int r = 0; r < rows; r++) {
          for (int j = 0; j < n; j++) {
            out[r * n + j] = (byte) rq.apply((int) sums[r * n + j] + (bias == null ? 0 : bias[j]), j);
          }
        }
        ex.release(sums);
        return new NdArray[] {NdArray.ofBytes(shape, out)};
      }
      int np = Int8Gemm.paddedColumns(rows);
      short[] bp = new short[2 * Int8Gemm.pairs(k) * np];
      for (int r = 0; r < rows; r++) {
        for (int i = 0; i < k; i++) {
          bp[(i / 2 * np + r) * 2 + (i & 1)] = xb[r * k + i];
        }
      }
      if (rows == 1) {
        Int8Gemm.gemm(Int8Gemm.VECTOR, wp, 0, n, k, bp, 1, bias, rq, out, 0, ex.parallel);
      } else {
        byte[] t = new byte[rows * n];
        Int8Gemm.gemm(Int8Gemm.VECTOR, wp, 0, n, k, bp, rows, bias, rq, t, 0, ex.parallel);
        for (int j = 0; j < n; j++) {
          for (int r = 0; r < rows; r++) {
            out[r * n + j] = t[j * rows + r];
          }
        }
      }
      return new NdArray[] {NdArray.ofBytes(shape, out)};
    };
  }
}
