package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Node;
import java.util.List;

/**
 * Elementwise activations as ncnn's own layers: Relu → ReLU, LeakyRelu → ReLU(slope), Clip, Sigmoid,
 * Tanh → TanH, HardSigmoid, HardSwish, Mish, Elu → ELU, Selu → SELU, Gelu → GELU (tanh
 * approximation: 0=1), Erf, Softplus.
 */
final class NcnnActivationWriter implements NcnnLayerWriter {

  @Override
  public void write(Node node, ExportContext ctx) {
    Attributes a = node.attributes();
    float[] params = switch (node.opType()) {
      case "LeakyRelu" -> new float[] {a.getFloat("alpha", 0.01f)};
      case "Elu" -> new float[] {a.getFloat("alpha", 1f)};
      case "Selu" -> new float[] {a.getFloat("alpha", 1.67326319217681884765625f), a.getFloat("gamma", 1.05070102214813232421875f)};
      case "Gelu" -> new float[] {a.getString("approximate", "none").equals("tanh") ? 1 : 0};
      case "HardSigmoid" -> new float[] {a.getFloat("alpha", 0.2f), a.getFloat("beta", 0.5f)};
      case "Clip" -> new float[] {clipBound(node, ctx, 1, -Float.MAX_VALUE), clipBound(node, ctx, 2, Float.MAX_VALUE)};
      default -> new float[0];
    };
    int rank = ctx.rank(node.output(0));
    NcnnLayer l = Activations.standalone(node.opType(), params, node, ctx.blob(node.input(0), rank), node.output(0), ctx);
    if (l == null) {
      throw new IllegalStateException("no activation layer for " + node.opType());
    }
  }

  private static float clipBound(Node node, ExportContext ctx, int i, float dflt) {
    if (!node.hasInput(i)) {
      return dflt;
    }
    return ctx.requireConstant(node, i, i == 1 ? "min" : "max").toFloatArray()[0];
  }
}
