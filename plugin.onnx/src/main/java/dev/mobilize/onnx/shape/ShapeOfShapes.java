package dev.mobilize.onnx.shape;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Dim;
import dev.mobilize.ir.Shape;
import java.util.List;

/** Shape and Size: int64 outputs whose values are the (possibly symbolic) dims of the input. */
final class ShapeOfShapes {

  private ShapeOfShapes() {}

  /** Shape(data) {start, end}: int64 [end - start], value = dims[start:end] (clamped). */
  static void shape(NodeContext c) {
    Shape x = c.shape(0);
    if (!x.hasRank()) {
      c.output(0, DataType.INT64, Shape.of(List.of(c.fresh("unk"))));
      return;
    }
    int rank = x.rank();
    int start = clamp(c.intAttr("start", 0), rank);
    int end = clamp(c.intAttr("end", rank), rank);
    List<Dim> dims = end > start ? x.dimList().subList(start, end) : List.of();
    c.output(0, DataType.INT64, Shape.of(dims.size()));
    c.outputValue(0, KnownValue.ofDims(dims));
  }

  // negative values count from the end; then clamped to [0, rank]
  private static int clamp(long v, int rank) {
    long k = v < 0 ? v + rank : v;
    return (int) Math.max(0, Math.min(k, rank));
  }

  /** Size(data): int64 scalar, value = product of the dims. */
  static void size(NodeContext c) {
    c.output(0, DataType.INT64, Shape.SCALAR);
    Shape x = c.shape(0);
    if (x.hasRank()) {
      c.outputValue(0, KnownValue.scalar(Dims.product(x.dimList())));
    }
  }
}
