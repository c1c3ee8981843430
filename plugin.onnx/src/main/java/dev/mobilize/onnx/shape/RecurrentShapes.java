package dev.mobilize.onnx.shape;

import dev.mobilize.ir.Dim;
import dev.mobilize.ir.Shape;
import java.util.List;

/**
 * LSTM, GRU, RNN. With layout 0: X [seq, batch, input], Y [seq, dirs, batch, hidden],
 * Y_h/Y_c [dirs, batch, hidden]; with layout 1: X [batch, seq, input], Y [batch, seq, dirs, hidden],
 * Y_h/Y_c [batch, dirs, hidden].
 */
final class RecurrentShapes {

  private RecurrentShapes() {}

  static void recurrent(NodeContext c) {
    Shape x = c.shape(0);
    boolean batchFirst = c.intAttr("layout", 0) != 0;
    String direction = c.stringAttr("direction", "forward");
    long dirs = switch (direction) {
      case "forward", "reverse" -> 1;
      case "bidirectional" -> 2;
      default -> throw c.mismatch("attribute 'direction' is '" + direction
          + "', expected forward, reverse or bidirectional");
    };
    Dim hidden = c.attrs().has("hidden_size") ? Dim.of(c.intAttr("hidden_size", 0))
        : c.hasRank(2) && c.shape(2).rank() == 3 ? c.shape(2).dim(2) : c.fresh("unk");
    Dim seq;
    Dim batch;
    if (x.hasRank()) {
      if (x.rank() != 3) {
        throw c.mismatch("input X is " + x + ", expected rank 3");
      }
      seq = x.dim(batchFirst ? 1 : 0);
      batch = x.dim(batchFirst ? 0 : 1);
    } else {
      seq = c.fresh("unk");
      batch = c.fresh("unk");
    }
    Dim d = Dim.of(dirs);
    Shape y = batchFirst ? Shape.of(List.of(batch, seq, d, hidden)) : Shape.of(List.of(seq, d, batch, hidden));
    Shape state = batchFirst ? Shape.of(List.of(batch, d, hidden)) : Shape.of(List.of(d, batch, hidden));
    c.output(0, c.type(0), y);
    c.output(1, c.type(0), state);
    c.output(2, c.type(0), state);
  }
}
