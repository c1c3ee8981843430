package dev.mobilize.optimize;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import java.util.Optional;

/**
 * The constant B and C of a Gemm (or of a 2-D MatMul, read as Gemm without C), scaled and shifted
 * per output column: {@code (α·A·B + β·C)·s + t = α·A·(B·s) + (β·C·s + t)}, so the result is a Gemm
 * with {@code B' = B·s} (column-wise), {@code C' = β·C·s + t} and β = 1.
 */
final class GemmWeights {

  final Node node;
  final Tensor weight;
  final float[] w;
  final float[] c;
  final int columns;
  private final boolean transB;

  private GemmWeights(Node node, Tensor weight, float[] c, int columns, boolean transB) {
    this.node = node;
    this.weight = weight;
    this.w = weight.toFloatArray();
    this.c = c;
    this.columns = columns;
    this.transB = transB;
  }

  /** The weights of a Gemm or MatMul, or empty after a rejection. */
  static Optional<GemmWeights> of(Match m, Node n) {
    Optional<Tensor> b = m.constant(n.input(1));
    if (b.isEmpty() || !Constants.isFloat(b.get()) || b.get().rank() != 2) {
      return m.reject("B of " + n.describe() + " is not a 2-D float32 constant");
    }
    boolean isGemm = n.opType().equals("Gemm");
    if (!isGemm && m.view().shape(n.input(0)).map(Shape::rank).orElse(-1) != 2) {
      return m.reject("A of " + n.describe() + " is not known to be 2-D");
    }
    boolean transB = isGemm && n.attributes().getInt("transB", 0) != 0;
    long[] d = b.get().dims();
    int columns = (int) (transB ? d[0] : d[1]);
    float[] c = new float[columns];
    if (isGemm && n.hasInput(2)) {
      Optional<Tensor> ct = m.constant(n.input(2));
      if (ct.isEmpty()) {
        return m.reject("C of " + n.describe() + " is not constant");
      }
      Optional<float[]> per = Constants.perChannel(ct.get(), 2, 1, columns);
      if (per.isEmpty()) {
        return m.reject("C of " + n.describe() + " is not one value per column");
      }
      float beta = n.attributes().getFloat("beta", 1f);
      c = per.get();
      for (int i = 0; i < columns; i++) {
        c[i] *= beta;
      }
    }
    return Optional.of(new GemmWeights(n, b.get(), c, columns, transB));
  }

  /** {@code B'[:, j] = B[:, j]·s[j]}, {@code C'[j] = C[j]·s[j] + t[j]}. */
  void scaleShift(float[] s, float[] t) {
    long[] d = weight.dims();
    int rows = (int) d[0];
    int cols = (int) d[1];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        w[i * cols + j] *= s[transB ? i : j];
      }
    }
    for (int j = 0; j < columns; j++) {
      c[j] = c[j] * s[j] + t[j];
    }
  }

  /** The Gemm with the new B and C, writing {@code output}. */
  Node rewritten(Match m, Rewrite r, String output) {
    String base = node.name().isEmpty() ? output : node.name();
    String bName = m.view().freshName(base + "_B");
    String cName = m.view().freshName(base + "_C");
    r.constant(bName, Constants.floats(weight.dims(), w));
    r.constant(cName, Constants.floats(new long[] {columns}, c));
    Attributes a = node.opType().equals("Gemm")
        ? node.attributes().toBuilder().set("beta", 1f).build()
        : Attributes.EMPTY;
    return Node.builder("Gemm").name(node.name()).inputs(node.input(0), bName, cName).outputs(output)
        .attributes(a).build();
  }
}
