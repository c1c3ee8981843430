package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX Clip: {@code min(max(x, min), max)}; min and max are optional scalar inputs. */
final class Clip implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    return (in, ex) -> {
      NdArray x = in[0];
      if (x.isFloat()) {
        float lo = in.length > 1 && in[1] != null ? in[1].getFloat(0) : Float.NEGATIVE_INFINITY;
        float hi = in.length > 2 && in[2] != null ? in[2].getFloat(0) : Float.POSITIVE_INFINITY;
        return Unary.step(node, v -> Math.min(Math.max(v, lo), hi), null).run(in, ex);
      }
      long lo = in.length > 1 && in[1] != null ? in[1].getLong(0) : Long.MIN_VALUE;
      long hi = in.length > 2 && in[2] != null ? in[2].getLong(0) : Long.MAX_VALUE;
      return Unary.step(node, null, v -> Math.min(Math.max(v, lo), hi)).run(in, ex);
    };
  }
}
