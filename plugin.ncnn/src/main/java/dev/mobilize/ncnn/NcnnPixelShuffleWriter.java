package dev.mobilize.ncnn;

import dev.mobilize.ir.Node;
import java.util.List;

/** DepthToSpace as PixelShuffle: 0=upscale_factor, 1=mode (0 CRD, 1 DCR, ONNX's default). */
final class NcnnPixelShuffleWriter implements NcnnLayerWriter {

  @Override
  public void write(Node node, ExportContext ctx) {
    if (ctx.rank(node.input(0)) != 4) {
      throw new CannotExpress("only [1, C, H, W] inputs are written");
    }
    String mode = node.attributes().getString("mode", "DCR");
    NcnnLayer l = ctx.add("PixelShuffle", node, List.of(ctx.blob(node.input(0), 4)), List.of(node.output(0)));
    l.params.set(0, (int) node.attributes().getInt("blocksize")).setIfNot(1, mode.equals("CRD") ? 0 : 1, 0);
  }
}
