package dev.mobilize.tnn;

import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import java.util.List;

/** Layer writers of activations with parameters: Elu, LeakyRelu and PRelu (TNN PReLU). */
final class ActivationWriters {

  private ActivationWriters() {}

  /** Elu: alpha. */
  static void elu(Node n, ExportContext ctx) {
    ctx.layer("Elu", n, List.of(n.input(0)), List.of(n.output(0)),
        ExportContext.params(n.attributes().getFloat("alpha", 1f)));
  }

  /** LeakyRelu as PReLU with one shared slope. */
  static void leakyRelu(Node n, ExportContext ctx) {
    prelu(n, ctx, new float[] {n.attributes().getFloat("alpha", 0.01f)});
  }

  /** PRelu with a constant slope of one value or one per channel (dim 1). */
  static void prelu(Node n, ExportContext ctx) {
    Tensor slope = ctx.requireConstant(n, 1, "slope");
    long[] in = ctx.dims(n.input(0));
    long[] sd = slope.dims();
    boolean perChannel = in.length >= 2 && slope.numElements() == in[1] && in[1] > 1
        && sd.length >= in.length - 1 && sd[sd.length - (in.length - 1)] == in[1];
    if (slope.numElements() != 1 && !perChannel) {
      throw new IllegalArgumentException("slope of shape " + java.util.Arrays.toString(sd) + " is not written; "
          + "TNN PReLU takes one slope or one per channel");
    }
    prelu(n, ctx, slope.toFloatArray());
  }

  /** PReLU: channel_shared has_filler; resource: layer name, slope. */
  private static void prelu(Node n, ExportContext ctx, float[] slope) {
    TnnNet.Layer l = ctx.layer("PReLU", n, List.of(n.input(0)), List.of(n.output(0)),
        ExportContext.params(slope.length == 1 ? 1 : 0, 0));
    ctx.resource(l, List.of(RawBuffer.floats(new int[] {slope.length}, slope)));
  }
}
