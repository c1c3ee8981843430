package dev.mobilize.mnn;

import dev.mobilize.ir.Node;
import java.util.Arrays;
import java.util.List;

/** ReduceSum, ReduceSumSquare, ReduceMean, ReduceMax, ReduceMin, ReduceProd with constant axes as MNN's Reduction. */
final class ReductionWriter implements MnnOpWriter {

  private final int operation;

  /** {@code operation}: MNN's ReductionType (SUM 0, SUMSQ 2, MEAN 3, MAXIMUM 4, MINIMUM 5, PROD 6). */
  ReductionWriter(int operation) {
    this.operation = operation;
  }

  @Override
  public void write(Node n, ExportContext c) {
    long[] axes;
    if (n.hasInput(1)) {
      axes = c.requireConstant(n.input(1), "axes").toLongArray();
    } else {
      axes = n.attributes().ints("axes", new long[0]);
    }
    if (axes.length == 0 && n.attributes().getInt("noop_with_empty_axes", 0) != 0) {
      throw new IllegalArgumentException("noop_with_empty_axes=1 with empty axes is not written");
    }
    boolean keep = n.attributes().getInt("keepdims", 1) != 0;
    int[] dims = Arrays.stream(axes).mapToInt(Math::toIntExact).toArray();
    c.op("Reduction", ExportContext.name(n), List.of(n.input(0)), n.outputs(), "ReductionParam", b -> {
      int d = b.ints(dims);
      b.startTable(5);
      b.addByte(0, operation, 0);
      b.addOffset(1, d);
      b.addBool(3, keep, false);
      return b.endTable();
    });
  }
}
