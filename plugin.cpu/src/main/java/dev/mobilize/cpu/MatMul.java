package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX MatMul: numpy matmul semantics (1-D operands promoted, batch dimensions broadcast). */
final class MatMul implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    return (in, ex) -> new NdArray[] {matmul(node, in[0], in[1], ex)};
  }

  static NdArray matmul(Node node, NdArray a, NdArray b, Exec ex) {
    if (!a.isFloat() || !b.isFloat()) {
      throw Broadcast.unsupported(node, "inputs of type " + a.type + " and " + b.type + ", expected float types");
    }
    int[] as = a.rank() == 1 ? new int[] {1, a.shape[0]} : a.shape;
    int[] bs = b.rank() == 1 ? new int[] {b.shape[0], 1} : b.shape;
    int m = as[as.length - 2];
    int k = as[as.length - 1];
    int n = bs[bs.length - 1];
    if (bs[bs.length - 2] != k) {
      throw Broadcast.error(node, "cannot multiply " + a.shapeString() + " by " + b.shapeString()
          + ": inner dimensions " + k + " and " + bs[bs.length - 2] + " differ");
    }
    int[] batchA = java.util.Arrays.copyOf(as, as.length - 2);
    int[] batchB = java.util.Arrays.copyOf(bs, bs.length - 2);
    int[] batch = Broadcast.shape(node, batchA, batchB);
    int nb = NdArray.numElements(batch);
    int[] ia = Broadcast.indexMap(batchA, batch);
    int[] ib = Broadcast.indexMap(batchB, batch);
    float[] out = ex.floats(nb * m * n);
    for (int t = 0; t < nb; t++) {
      float[] packed = Sgemm.pack(a.f, ia[t] * m * k, m, k, k);
      Sgemm.gemm(m, n, k, packed, b.f, ib[t] * k * n, n, out, t * m * n, n, null, 0,
          Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, ex.parallel);
    }
    int[] shape;
    if (a.rank() == 1 && b.rank() == 1) {
      shape = new int[0];
    } else if (a.rank() == 1) {
      shape = java.util.Arrays.copyOf(batch, batch.length + 1);
      shape[batch.length] = n;
    } else if (b.rank() == 1) {
      shape = java.util.Arrays.copyOf(batch, batch.length + 1);
      shape[batch.length] = m;
    } else {
      shape = java.util.Arrays.copyOf(batch, batch.length + 2);
      shape[batch.length] = m;
      shape[batch.length + 1] = n;
    }
    return NdArray.ofFloats(a.type, shape, out);
  }
}
