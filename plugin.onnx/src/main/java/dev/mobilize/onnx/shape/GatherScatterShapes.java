package dev.mobilize.onnx.shape;

import dev.mobilize.ir.Dim;
import dev.mobilize.ir.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Gather, GatherElements, GatherND; the Scatter ops keep the data's shape. */
final class GatherScatterShapes {

  private GatherScatterShapes() {}

  /** Gather: out = data[:axis] + indices.shape + data[axis+1:]. */
  static void gather(NodeContext c) {
    Shape data = c.shape(0);
    Shape indices = c.shape(1);
    if (!data.hasRank() || !indices.hasRank()) {
      c.output(0, c.type(0), Shape.UNKNOWN);
      return;
    }
    if (data.rank() == 0) {
      throw c.mismatch("data is a scalar, expected rank >= 1");
    }
    int axis = c.axis(c.intAttr("axis", 0), data.rank(), "attribute 'axis'");
    List<Dim> out = new ArrayList<>(data.dimList().subList(0, axis));
    out.addAll(indices.dimList());
    out.addAll(data.dimList().subList(axis + 1, data.rank()));
    c.output(0, c.type(0), Shape.of(out));
    propagate(c, axis);
  }

  // gathering from a known vector (e.g. one dim of a Shape) keeps the value
  private static void propagate(NodeContext c, int axis) {
    Optional<KnownValue> data = c.value(0);
    Optional<long[]> idx = c.fixedValue(1);
    if (axis != 0 || data.isEmpty() || idx.isEmpty() || data.get().scalar()) {
      return;
    }
    int n = data.get().size();
    List<SymbolicInt> out = new ArrayList<>();
    for (long i : idx.get()) {
      long k = i < 0 ? i + n : i;
      if (k < 0 || k >= n) {
        throw c.mismatch("index " + i + " is out of range for data of size " + n + ", expected " + (-n) + ".."
            + (n - 1));
      }
      out.add(data.get().get((int) k));
    }
    c.outputValue(0, new KnownValue(c.value(1).get().scalar(), out));
  }

  /** GatherElements: the shape of indices, the type of data. */
  static void gatherElements(NodeContext c) {
    c.output(0, c.type(0), c.shape(1));
  }

  /** GatherND: out = indices[:-1] + data[batch_dims + indices[-1]:]. */
  static void gatherNd(NodeContext c) {
    Shape data = c.shape(0);
    Shape indices = c.shape(1);
    if (!data.hasRank() || !indices.hasRank()) {
      c.output(0, c.type(0), Shape.UNKNOWN);
      return;
    }
    if (indices.rank() < 1) {
      throw c.mismatch("indices is a scalar, expected rank >= 1");
    }
    long batchDims = c.intAttr("batch_dims", 0);
    Dim last = indices.dim(-1);
    if (!last.isFixed()) {
      c.output(0, c.type(0), Shape.UNKNOWN);
      return;
    }
    long from = batchDims + last.value();
    if (batchDims < 0 || from > data.rank()) {
      throw c.mismatch("indices " + indices + " index " + last.value() + " axes after " + batchDims
          + " batch dims, expected at most " + (data.rank() - batchDims) + " for data " + data);
    }
    List<Dim> out = new ArrayList<>(indices.dimList().subList(0, indices.rank() - 1));
    out.addAll(data.dimList().subList((int) from, data.rank()));
    c.output(0, c.type(0), Shape.of(out));
  }
}
