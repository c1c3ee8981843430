package dev.mobilize.ncnn;

import dev.mobilize.ir.Node;
import java.util.List;

/** ncnn.GroupNorm (from {@link RecognizeGroupNorm}) as GroupNorm 0=group 1=channels 2=eps 3=affine, weights γ, β. */
final class NcnnGroupNormWriter implements NcnnLayerWriter {

  @Override
  public void write(Node node, ExportContext ctx) {
    float[] gamma = ctx.requireConstant(node, 1, "gamma").toFloatArray();
    float[] beta = ctx.requireConstant(node, 2, "beta").toFloatArray();
    NcnnLayer l = ctx.add("GroupNorm", node, List.of(ctx.blob(node.input(0), 4)), List.of(node.output(0)));
    l.params.set(0, (int) node.attributes().getInt("groups")).set(1, gamma.length)
        .set(2, node.attributes().getFloat("epsilon"));
    l.rawWeight(gamma).rawWeight(beta);
  }
}
