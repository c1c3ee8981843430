package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Node;
import java.util.List;

/**
 * LRN as LRN across channels (0=0): 1=local_size (odd: ncnn centres the window), 2=alpha, 3=beta,
 * 4=bias; both compute {@code x / (bias + alpha/size · Σx²)^beta}.
 */
final class NcnnLrnWriter implements NcnnLayerWriter {

  @Override
  public void write(Node node, ExportContext ctx) {
    Attributes a = node.attributes();
    long size = a.getInt("size");
    if (size % 2 == 0) {
      throw new CannotExpress("an even LRN size (" + size + ") has no ncnn form; ncnn centres the window");
    }
    if (ctx.rank(node.input(0)) != 4) {
      throw new CannotExpress("only [1, C, H, W] inputs are written");
    }
    NcnnLayer l = ctx.add("LRN", node, List.of(ctx.blob(node.input(0), 4)), List.of(node.output(0)));
    l.params.setIfNot(1, (int) size, 5).setIfNot(2, a.getFloat("alpha", 1e-4f), 1f).setIfNot(3, a.getFloat("beta", 0.75f), 0.75f)
        .setIfNot(4, a.getFloat("bias", 1f), 1f);
  }
}
