package dev.mobilize.onnx.shape;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Dim;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** TopK, NonZero, NonMaxSuppression, OneHot: outputs whose sizes come from values or from the data. */
final class SelectionShapes {

  private SelectionShapes() {}

  /** TopK(X, K): Values and Indices (int64) are X with axis resized to K. */
  static void topK(NodeContext c) {
    Shape x = c.shape(0);
    if (!x.hasRank()) {
      c.output(0, c.type(0), Shape.UNKNOWN);
      c.output(1, DataType.INT64, Shape.UNKNOWN);
      return;
    }
    int axis = c.axis(c.intAttr("axis", -1), x.rank(), "attribute 'axis'");
    Optional<long[]> k = c.fixedValue(1);
    Dim kDim;
    if (k.isPresent() && k.get().length == 1) {
      long kv = k.get()[0];
      Dim d = x.dim(axis);
      if (kv < 0 || d.isFixed() && kv > d.value()) {
        throw c.mismatch("K is " + kv + ", expected 0.." + d + " (the size of axis " + axis + " of " + x + ")");
      }
      kDim = Dim.of(kv);
    } else {
      kDim = c.fresh("topk_count");
    }
    List<Dim> out = new ArrayList<>(x.dimList());
    out.set(axis, kDim);
    c.output(0, c.type(0), Shape.of(out));
    c.output(1, DataType.INT64, Shape.of(out));
  }

  /** NonZero(X): int64 [rank(X), number of non-zero elements] (data-dependent). */
  static void nonZero(NodeContext c) {
    Shape x = c.shape(0);
    Dim rank = x.hasRank() ? Dim.of(x.rank()) : c.fresh("unk");
    c.output(0, DataType.INT64, Shape.of(List.of(rank, c.fresh("nonzero_count"))));
  }

  /** NonMaxSuppression: int64 [number of selected boxes, 3] (data-dependent). */
  static void nonMaxSuppression(NodeContext c) {
    c.output(0, DataType.INT64, Shape.of(List.of(c.fresh("nms_count"), Dim.of(3))));
  }

  /** OneHot(indices, depth, values): indices with a depth-sized axis inserted at {@code axis}; values' type. */
  static void oneHot(NodeContext c) {
    Shape indices = c.shape(0);
    if (!indices.hasRank()) {
      c.output(0, c.type(2), Shape.UNKNOWN);
      return;
    }
    int rank = indices.rank() + 1;
    int axis = c.axis(c.intAttr("axis", -1), rank, "attribute 'axis'");
    Dim depth = c.fresh("unk");
    Optional<Tensor> t = c.constant(1);
    if (t.isPresent() && t.get().numElements() == 1) {
      long d = (long) t.get().toFloatArray()[0];
      if (d < 1) {
        throw c.mismatch("depth is " + d + ", expected >= 1");
      }
      depth = Dim.of(d);
    } else if (c.fixedValue(1).isPresent() && c.fixedValue(1).get().length == 1) {
      depth = Dim.of(c.fixedValue(1).get()[0]);
    }
    List<Dim> out = new ArrayList<>(indices.dimList());
    out.add(axis, depth);
    c.output(0, c.type(2), Shape.of(out));
  }
}
