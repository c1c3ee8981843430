package dev.mobilize.optimize;

import dev.mobilize.ir.Node;
import java.util.Optional;

/** The spatial pads of a constant-mode Pad in front of a Conv or pooling node, ready to add to its pads. */
final class PadInto {

  private PadInto() {}

  /**
   * The pads to add, in the consumer's layout {@code [x1_begin, x2_begin, ..., x1_end, x2_end, ...]}
   * over the spatial dims, or empty after a rejection.
   *
   * @param fill the pad value the consumer's own padding stands for (0 for Conv)
   */
  static Optional<long[]> spatialPads(Match m, Node pad, Node consumer, float fill) {
    if (!pad.attributes().getString("mode", "constant").equals("constant")) {
      return m.reject("the Pad mode is " + pad.attributes().getString("mode", "") + ", not constant");
    }
    if (pad.hasInput(3)) {
      return m.reject("the Pad has axes");
    }
    float value = 0f;
    if (pad.hasInput(2)) {
      Optional<Float> v = m.view().scalar(pad.input(2));
      if (v.isEmpty()) {
        return m.reject("the Pad value is not a constant scalar");
      }
      value = v.get();
    }
    if (Float.compare(value, fill) != 0) {
      return m.reject("the Pad value is " + value + ", the padding of " + consumer.opType() + " means " + fill);
    }
    Optional<long[]> p = m.constant(pad.input(1)).map(t -> t.toLongArray());
    if (p.isEmpty()) {
      return m.reject("the pads are not constant");
    }
    long[] pads = p.get();
    int rank = pads.length / 2;
    if (rank < 3) {
      return m.reject("the Pad is not over a batch, channel and spatial dims");
    }
    if (pads[0] != 0 || pads[1] != 0 || pads[rank] != 0 || pads[rank + 1] != 0) {
      return m.reject("it pads the batch or channel dim");
    }
    int spatial = rank - 2;
    long[] out = new long[2 * spatial];
    for (int i = 0; i < spatial; i++) {
      out[i] = pads[2 + i];
      out[spatial + i] = pads[rank + 2 + i];
      if (out[i] < 0 || out[spatial + i] < 0) {
        return m.reject("the pads crop (negative pads)");
      }
    }
    if (!consumer.attributes().getString("auto_pad", "NOTSET").equals("NOTSET")) {
      return m.reject(consumer.opType() + " has auto_pad " + consumer.attributes().getString("auto_pad", ""));
    }
    long[] own = consumer.attributes().ints("pads", new long[2 * spatial]);
    if (own.length != out.length) {
      return m.reject(consumer.opType() + " pads have " + own.length + " values, expected " + out.length);
    }
    for (int i = 0; i < out.length; i++) {
      out[i] += own[i];
    }
    return Optional.of(out);
  }
}
