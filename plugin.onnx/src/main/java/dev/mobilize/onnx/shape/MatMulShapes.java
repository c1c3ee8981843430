package dev.mobilize.onnx.shape;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Dim;
import dev.mobilize.ir.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** MatMul (numpy semantics), MatMulInteger, QLinearMatMul and Gemm. */
final class MatMulShapes {

  private MatMulShapes() {}

  static void matMul(NodeContext c) {
    c.output(0, c.type(0), product(c, 0, 1));
  }

  static void matMulInteger(NodeContext c) {
    c.output(0, DataType.INT32, product(c, 0, 1));
  }

  /** QLinearMatMul(a, a_scale, a_zp, b, b_scale, b_zp, y_scale, y_zp): y has y_zp's type. */
  static void qlinearMatMul(NodeContext c) {
    DataType t = c.type(7) != DataType.UNDEFINED ? c.type(7) : c.type(0);
    c.output(0, t, product(c, 0, 3));
  }

  // [..., M, K] x [..., K, N] -> [broadcast(...), M, N]; a 1-D A gets a 1 prepended, a 1-D B a 1
  // appended, and those dims are removed from the result
  private static Shape product(NodeContext c, int ai, int bi) {
    Shape a = c.shape(ai);
    Shape b = c.shape(bi);
    if (!a.hasRank() || !b.hasRank()) {
      return Shape.UNKNOWN;
    }
    if (a.rank() == 0 || b.rank() == 0) {
      throw c.mismatch("inputs are " + a + " and " + b + ", expected rank >= 1 (MatMul does not take scalars)");
    }
    List<Dim> ad = new ArrayList<>(a.dimList());
    List<Dim> bd = new ArrayList<>(b.dimList());
    boolean aVector = ad.size() == 1;
    boolean bVector = bd.size() == 1;
    if (aVector) {
      ad.add(0, Dim.of(1));
    }
    if (bVector) {
      bd.add(Dim.of(1));
    }
    Dim k1 = ad.get(ad.size() - 1);
    Dim k2 = bd.get(bd.size() - 2);
    if (k1.isFixed() && k2.isFixed() && k1.value() != k2.value()) {
      throw c.mismatch("inputs " + a + " and " + b + " cannot be multiplied: inner dimensions are " + k1 + " and " + k2
          + ", expected equal");
    }
    Shape batch = Dims.broadcast(c, List.of(Shape.of(ad.subList(0, ad.size() - 2)),
        Shape.of(bd.subList(0, bd.size() - 2))));
    List<Dim> out = new ArrayList<>(batch.dimList());
    if (!aVector) {
      out.add(ad.get(ad.size() - 2));
    }
    if (!bVector) {
      out.add(bd.get(bd.size() - 1));
    }
    return Shape.of(out);
  }

  /** Gemm: A [M,K] (or [K,M] with transA), B [K,N] (or [N,K] with transB) -> [M,N]; C broadcasts to it. */
  static void gemm(NodeContext c) {
    Shape a = c.shape(0);
    Shape b = c.shape(1);
    if (!a.hasRank() || !b.hasRank()) {
      c.output(0, c.type(0), Shape.UNKNOWN);
      return;
    }
    if (a.rank() != 2 || b.rank() != 2) {
      throw c.mismatch("inputs A " + a + " and B " + b + ", expected both of rank 2");
    }
    boolean transA = c.intAttr("transA", 0) != 0;
    boolean transB = c.intAttr("transB", 0) != 0;
    Dim m = a.dim(transA ? 1 : 0);
    Dim ka = a.dim(transA ? 0 : 1);
    Dim kb = b.dim(transB ? 1 : 0);
    Dim n = b.dim(transB ? 0 : 1);
    if (ka.isFixed() && kb.isFixed() && ka.value() != kb.value()) {
      throw c.mismatch("A " + a + (transA ? " (transposed)" : "") + " and B " + b + (transB ? " (transposed)" : "")
          + " cannot be multiplied: inner dimensions are " + ka + " and " + kb + ", expected equal");
    }
    Shape out = Shape.of(List.of(m, n));
    if (c.hasInput(2) && c.hasRank(2)) {
      Shape broadcast = Dims.broadcast(c, List.of(out, c.shape(2)));
      if (!broadcast.equals(out) && broadcast.isStatic() && out.isStatic()
          && !Arrays.equals(broadcast.toArray(), out.toArray())) {
        throw c.mismatch("C " + c.shape(2) + " does not broadcast to the output " + out);
      }
    }
    c.output(0, c.type(0), out);
  }
}
