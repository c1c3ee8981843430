package dev.mobilize.onnx.shape;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Dim;
import dev.mobilize.ir.Shape;
import java.util.ArrayList;
import java.util.List;

/** MaxPool, AveragePool, LpPool (windowed) and the Global* pools. */
final class PoolShapes {

  private PoolShapes() {}

  /** [N, C, out...] with the window rule; MaxPool's Indices output is int64 of the same shape. */
  static void pool(NodeContext c) {
    Shape x = c.shape(0);
    Shape out = Shape.UNKNOWN;
    if (x.hasRank()) {
      if (x.rank() < 3) {
        throw c.mismatch("input X is " + x + ", expected rank >= 3 [N,C,D1,...]");
      }
      long[] kernel = c.attrs().ints("kernel_shape");
      boolean ceil = c.intAttr("ceil_mode", 0) != 0;
      List<Dim> dims = new ArrayList<>(x.dimList().subList(0, 2));
      dims.addAll(SlidingWindow.outputSizes(c, x.dimList().subList(2, x.rank()), kernel, ceil));
      out = Shape.of(dims);
    }
    c.output(0, c.type(0), out);
    c.output(1, DataType.INT64, out);
  }

  /** GlobalAveragePool, GlobalMaxPool, GlobalLpPool: [N, C, 1, ..., 1]. */
  static void global(NodeContext c) {
    Shape x = c.shape(0);
    if (!x.hasRank()) {
      c.output(0, c.type(0), Shape.UNKNOWN);
      return;
    }
    if (x.rank() < 2) {
      throw c.mismatch("input X is " + x + ", expected rank >= 2 [N,C,...]");
    }
    List<Dim> dims = new ArrayList<>(x.dimList().subList(0, 2));
    for (int i = 2; i < x.rank(); i++) {
      dims.add(Dim.of(1));
    }
    c.output(0, c.type(0), Shape.of(dims));
  }
}
