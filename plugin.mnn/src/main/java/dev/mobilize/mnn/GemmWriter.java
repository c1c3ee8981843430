package dev.mobilize.mnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Node;
import java.util.List;

/** Gemm(a, B, c) with alpha = beta = 1 and no transA: MatMul (transposeB as given), then BinaryOp ADD. */
final class GemmWriter implements MnnOpWriter {

  @Override
  public void write(Node n, ExportContext c) {
    Attributes a = n.attributes();
    if (a.getFloat("alpha", 1f) != 1f || a.getFloat("beta", 1f) != 1f || a.getInt("transA", 0) != 0) {
      throw new IllegalArgumentException("Gemm with alpha, beta or transA is not written");
    }
    boolean transB = a.getInt("transB", 0) != 0;
    String name = ExportContext.name(n);
    if (!n.hasInput(2)) {
      MatMulWriter.write(c, name, n.input(0), n.input(1), n.output(0), transB);
      return;
    }
    String mm = c.fresh(n.output(0) + "__matmul");
    MatMulWriter.write(c, name, n.input(0), n.input(1), mm, transB);
    BinaryOpWriter.write(c, c.fresh(name + "__bias"), List.of(mm, n.input(2)), n.output(0), BinaryOpWriter.ADD);
  }
}
