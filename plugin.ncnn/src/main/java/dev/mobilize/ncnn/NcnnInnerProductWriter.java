package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import java.util.List;

/**
 * Gemm, mobilize.FusedGemm and MatMul with a constant 2-D B on a {@code [1, K]} input as
 * InnerProduct: {@code y = act(x · Wᵀ + b)} with {@code W = alpha·(transB ? B : Bᵀ)} of shape
 * {@code [N, K]} and {@code b = beta·C}. A node that {@link LowerQdqToInt8} marked is written in
 * int8 (int8_scale_term 2, per-output scales).
 */
final class NcnnInnerProductWriter implements NcnnLayerWriter {

  @Override
  public void write(Node node, ExportContext ctx) {
    Attributes a = node.attributes();
    boolean matmul = node.opType().equals("MatMul");
    if (!matmul && a.getInt("transA", 0) != 0) {
      throw new CannotExpress("transA=1 is not written (the input is a blob)");
    }
    long[] in = ctx.blobDims(node.input(0));
    if (in.length != 1) {
      throw new CannotExpress("InnerProduct needs a [1, K] input, found rank " + (in.length + 1));
    }
    Tensor b = ctx.requireConstant(node, 1, "B");
    if (b.rank() != 2) {
      throw new CannotExpress("B must be 2-D, found rank " + b.rank());
    }
    boolean transB = !matmul && a.getInt("transB", 0) != 0;
    float alpha = matmul ? 1f : a.getFloat("alpha", 1f);
    float beta = matmul ? 1f : a.getFloat("beta", 1f);
    int k = (int) in[0];
    int n = (int) (transB ? b.dims()[0] : b.dims()[1]);
    float[] bv = b.toFloatArray();
    // W[n][k] = alpha * (transB ? B[n][k] : B[k][n])
    float[] w = new float[n * k];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < k; j++) {
        w[i * k + j] = alpha * (transB ? bv[i * k + j] : bv[j * n + i]);
      }
    }
    NcnnLayer l = ctx.add("InnerProduct", node, List.of(ctx.blob(node.input(0), 2)), List.of(node.output(0)));
    boolean bias = !matmul && node.hasInput(2);
    l.params.set(0, n).setIfNot(1, bias ? 1 : 0, 0).set(2, n * k);
    Int8Weights q = Int8Weights.of(node);
    if (q != null && alpha != 1f) {
      Int8Weights.writtenInFloat(node, "alpha is " + alpha);
      q = null;
    }
    if (q != null) {
      // the int8 weight in ncnn's [N, K] order, as w above
      float[] qv = q.weight();
      float[] wq = new float[n * k];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < k; j++) {
          wq[i * k + j] = transB ? qv[i * k + j] : qv[j * n + i];
        }
      }
      l.int8Weight(wq);
    } else {
      l.taggedWeight(w);
    }
    if (bias) {
      Tensor c = ctx.requireConstant(node, 2, "C");
      float[] cv = c.toFloatArray();
      if (cv.length != n && cv.length != 1) {
        throw new CannotExpress("C must be a vector of N=" + n + " values or a scalar, found shape "
            + c.shape());
      }
      float[] bias2 = new float[n];
      for (int i = 0; i < n; i++) {
        bias2[i] = beta * cv[cv.length == 1 ? 0 : i];
      }
      l.rawWeight(bias2);
    }
    if (q != null) {
      l.params.set(8, 2);
      l.rawWeight(Int8Weights.inverse(q.channelScales(n)));
      q.addInputScale(l);
    }
    Activations.fuse(node, l, ctx);
  }
}
