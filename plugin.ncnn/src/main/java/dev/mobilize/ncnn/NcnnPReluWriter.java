package dev.mobilize.ncnn;

import dev.mobilize.ir.Node;
import java.util.List;

/** PRelu with a constant slope (one per channel or shared) as PReLU 0=num_slope. */
final class NcnnPReluWriter implements NcnnLayerWriter {

  @Override
  public void write(Node node, ExportContext ctx) {
    float[] slope = ctx.requireConstant(node, 1, "slope").toFloatArray();
    long[] in = ctx.blobDims(node.input(0));
    if (slope.length != 1 && (in.length == 0 || slope.length != in[0])) {
      throw new CannotExpress("the slope must be shared or one per channel, found " + slope.length + " values");
    }
    int rank = ctx.rank(node.output(0));
    NcnnLayer l = ctx.add("PReLU", node, List.of(ctx.blob(node.input(0), rank)), List.of(node.output(0)));
    l.params.set(0, slope.length);
    l.rawWeight(slope);
  }
}
