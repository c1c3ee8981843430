package dev.mobilize.ncnn;

import dev.mobilize.ir.Node;
import java.util.List;

/** BatchNormalization (inference) as BatchNorm: weights slope, mean, variance, bias; 0=channels 1=eps. */
final class NcnnBatchNormWriter implements NcnnLayerWriter {

  @Override
  public void write(Node node, ExportContext ctx) {
    if (node.outputs().size() > 1) {
      throw new CannotExpress("training-mode BatchNormalization (running statistics outputs) has no ncnn form");
    }
    float[] scale = ctx.requireConstant(node, 1, "scale").toFloatArray();
    float[] bias = ctx.requireConstant(node, 2, "B").toFloatArray();
    float[] mean = ctx.requireConstant(node, 3, "mean").toFloatArray();
    float[] var = ctx.requireConstant(node, 4, "var").toFloatArray();
    int rank = ctx.rank(node.output(0));
    NcnnLayer l = ctx.add("BatchNorm", node, List.of(ctx.blob(node.input(0), rank)), List.of(node.output(0)));
    l.params.set(0, scale.length).set(1, node.attributes().getFloat("epsilon", 1e-5f));
    l.rawWeight(scale).rawWeight(mean).rawWeight(var).rawWeight(bias);
  }
}
