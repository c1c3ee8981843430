package dev.mobilize.onnx.shape;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Dim;
import dev.mobilize.ir.Shape;
import java.util.ArrayList;
import java.util.List;

/** BatchNormalization and LayerNormalization, whose extra outputs have their own shapes. */
final class NormalizationShapes {

  private NormalizationShapes() {}

  /** BatchNormalization(X, scale, B, mean, var): Y like X; in training mode running mean/var like mean/var. */
  static void batchNormalization(NodeContext c) {
    Shape x = c.shape(0);
    if (x.hasRank() && x.rank() >= 2 && c.shape(1).hasRank() && c.shape(1).rank() == 1) {
      Dims.unify(c, x.dim(1), c.shape(1).dim(0), "input X has " + x.dim(1) + " channels and scale is " + c.shape(1));
    }
    c.output(0, c.type(0), x);
    c.output(1, c.type(3), c.shape(3));
    c.output(2, c.type(4), c.shape(4));
  }

  /** LayerNormalization: Y like X; Mean and InvStdDev keep X's leading dims and have 1 from {@code axis} on. */
  static void layerNormalization(NodeContext c) {
    Shape x = c.shape(0);
    c.output(0, c.type(0), x);
    DataType stash = DataType.fromCode((int) c.intAttr("stash_type", 1));
    if (!x.hasRank()) {
      c.output(1, stash, Shape.UNKNOWN);
      c.output(2, stash, Shape.UNKNOWN);
      return;
    }
    int axis = c.axis(c.intAttr("axis", -1), x.rank(), "attribute 'axis'");
    List<Dim> dims = new ArrayList<>(x.dimList().subList(0, axis));
    for (int i = axis; i < x.rank(); i++) {
      dims.add(Dim.of(1));
    }
    c.output(1, stash, Shape.of(dims));
    c.output(2, stash, Shape.of(dims));
  }
}
