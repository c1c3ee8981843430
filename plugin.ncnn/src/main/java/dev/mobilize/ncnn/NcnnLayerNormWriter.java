package dev.mobilize.ncnn;

import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import java.util.List;

/**
 * LayerNormalization over the last axis (or the last two of a {@code [1, C, H, W]} value) as
 * LayerNorm: 0=affine_size (the normalized element count), 1=eps, weights gamma and beta.
 */
final class NcnnLayerNormWriter implements NcnnLayerWriter {

  @Override
  public void write(Node node, ExportContext ctx) {
    long[] d = ctx.dims(node.input(0));
    int rank = d.length;
    long axis = node.attributes().getInt("axis", -1);
    int first = (int) (axis < 0 ? axis + rank : axis);
    if (node.outputs().size() > 1 && node.outputs().stream().skip(1).anyMatch(o -> !o.isEmpty())) {
      throw new CannotExpress("the mean and inverse-deviation outputs are not written");
    }
    boolean rows = first == rank - 1 && rank >= 2;
    if (!(rows || rank == 4 && first == 2)) {
      throw new CannotExpress("normalizing from axis " + axis + " of a rank-" + rank + " value has no ncnn form; "
          + "ncnn normalizes each row or each channel");
    }
    int size = 1;
    for (int i = first; i < rank; i++) {
      size *= (int) d[i];
    }
    float[] gamma = affine(ctx.requireConstant(node, 1, "the scale"), size);
    float[] beta = node.hasInput(2) ? affine(ctx.requireConstant(node, 2, "the bias"), size) : new float[size];
    NcnnLayer l = ctx.add("LayerNorm", node, List.of(ctx.blob(node.input(0), rank)), List.of(node.output(0)));
    l.params.set(0, size).set(1, node.attributes().getFloat("epsilon", 1e-5f));
    l.rawWeight(gamma).rawWeight(beta);
  }

  /** The scale or bias broadcast to the {@code size} normalized elements. */
  private static float[] affine(Tensor t, int size) {
    float[] v = t.toFloatArray();
    if (v.length == size) {
      return v;
    }
    if (v.length != 1) {
      throw new CannotExpress("scale and bias must cover the normalized axes (" + size + " values), found shape "
          + t.shape());
    }
    float[] r = new float[size];
    java.util.Arrays.fill(r, v[0]);
    return r;
  }
}
