package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/**
 * ONNX Gemm: {@code alpha * A' * B' + beta * C} with optional transposes and C broadcast to
 * [M, N]. A constant B is transposed (if transB) once at prepare time. Also runs
 * {@code mobilize.FusedGemm} (a Gemm followed by its {@link Activation}).
 */
final class Gemm implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    float alpha = node.attributes().getFloat("alpha", 1f);
    float beta = node.attributes().getFloat("beta", 1f);
    boolean ta = node.attributes().getInt("transA", 0) != 0;
    boolean tb = node.attributes().getInt("transB", 0) != 0;
    Activation act = Activation.of(node);
    NdArray bConst = binding.constant(1);
    NdArray bReady = bConst != null && tb ? Transpose.permute(bConst, new int[] {1, 0}, new Exec(new Parallel(1))) : null;
    return (in, ex) -> {
      NdArray a = in[0];
      NdArray b = in[1];
      NdArray c = in.length > 2 ? in[2] : null;
      if (a.rank() != 2 || b.rank() != 2) {
        throw Broadcast.error(node, "inputs " + a.shapeString() + " and " + b.shapeString() + " must be 2-D");
      }
      NdArray at = ta ? Transpose.permute(a, new int[] {1, 0}, ex) : a;
      NdArray bt = bReady != null ? bReady : tb ? Transpose.permute(b, new int[] {1, 0}, ex) : b;
      int m = at.shape[0];
      int k = at.shape[1];
      int n = bt.shape[1];
      if (bt.shape[0] != k) {
        throw Broadcast.error(node, "A' is " + Broadcast.fmt(at.shape) + " and B' is " + Broadcast.fmt(bt.shape)
            + ": inner dimensions differ");
      }
      float[] out = ex.floats(m * n);
      float[] packed = Sgemm.pack(at.floats(), 0, m, k, k);
      boolean simple = alpha == 1f && (c == null || beta == 0f);
      Sgemm.gemm(m, n, k, packed, bt.floats(), 0, n, out, 0, n, null, 0,
          simple ? act.lo : Float.NEGATIVE_INFINITY, simple ? act.hi : Float.POSITIVE_INFINITY, ex.parallel);
      if (!simple) {
        int[] ci = c == null ? null : Broadcast.indexMap(c.shape, new int[] {m, n});
        for (int i = 0; i < out.length; i++) {
          float v = alpha * out[i];
          if (c != null) {
            v += beta * c.getFloat(ci[i]);
          }
          out[i] = Math.min(Math.max(v, act.lo), act.hi);
        }
      }
      act.applyPost(out, 0, out.length);
      if (ta) {
        ex.release(at.f);
      }
      if (tb && bReady == null) {
        ex.release(bt.f);
      }
      return new NdArray[] {NdArray.ofFloats(a.type, new int[] {m, n}, out)};
    };
  }
}
