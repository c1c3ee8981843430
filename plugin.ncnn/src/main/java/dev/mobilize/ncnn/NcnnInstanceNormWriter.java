package dev.mobilize.ncnn;

import dev.mobilize.ir.Node;
import java.util.List;

/** InstanceNormalization as InstanceNorm 0=channels 1=eps, weights gamma and beta. */
final class NcnnInstanceNormWriter implements NcnnLayerWriter {

  @Override
  public void write(Node node, ExportContext ctx) {
    float[] gamma = ctx.requireConstant(node, 1, "scale").toFloatArray();
    float[] beta = ctx.requireConstant(node, 2, "B").toFloatArray();
    if (ctx.rank(node.input(0)) != 4) {
      throw new CannotExpress("only [1, C, H, W] inputs are written");
    }
    NcnnLayer l = ctx.add("InstanceNorm", node, List.of(ctx.blob(node.input(0), 4)), List.of(node.output(0)));
    l.params.set(0, gamma.length).set(1, node.attributes().getFloat("epsilon", 1e-5f));
    l.rawWeight(gamma).rawWeight(beta);
  }
}
