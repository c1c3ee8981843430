package dev.mobilize.ncnn;

import dev.mobilize.ir.Node;
import java.util.List;

/** ncnn.ShuffleChannel (made by {@link RecognizeShuffleChannel}) as ShuffleChannel 0=group. */
final class NcnnShuffleChannelWriter implements NcnnLayerWriter {

  @Override
  public void write(Node node, ExportContext ctx) {
    NcnnLayer l = ctx.add("ShuffleChannel", node, List.of(ctx.blob(node.input(0), 4)), List.of(node.output(0)));
    l.params.set(0, (int) node.attributes().getInt("group"));
  }
}
