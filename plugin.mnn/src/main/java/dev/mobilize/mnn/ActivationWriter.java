package dev.mobilize.mnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Node;

/** A standalone activation node (Relu, LeakyRelu, Clip, Sigmoid, HardSigmoid, HardSwish, Tanh, Elu). */
final class ActivationWriter implements MnnOpWriter {

  @Override
  public void write(Node n, ExportContext c) {
    Attributes a = n.attributes();
    float[] params = switch (n.opType()) {
      case "LeakyRelu" -> new float[] {a.getFloat("alpha", 0.01f)};
      case "Elu" -> new float[] {a.getFloat("alpha", 1f)};
      case "HardSigmoid" -> new float[] {a.getFloat("alpha", 0.2f), a.getFloat("beta", 0.5f)};
      case "Clip" -> clipBounds(n, c);
      default -> new float[0];
    };
    Activations.write(c, ExportContext.name(n), n.opType(), params, n.input(0), n.output(0));
  }

  /** Clip's bounds: constant inputs (opset 11+) or attributes (older opsets); absent is unbounded. */
  private static float[] clipBounds(Node n, ExportContext c) {
    Attributes a = n.attributes();
    float lo = n.hasInput(1) ? c.requireConstant(n.input(1), "min").toFloatArray()[0]
        : a.getFloat("min", -Float.MAX_VALUE);
    float hi = n.hasInput(2) ? c.requireConstant(n.input(2), "max").toFloatArray()[0]
        : a.getFloat("max", Float.MAX_VALUE);
    return new float[] {lo, hi};
  }
}
