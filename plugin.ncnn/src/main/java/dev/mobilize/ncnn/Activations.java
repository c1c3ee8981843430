package dev.mobilize.ncnn;

import dev.mobilize.ir.FusedOps;
import dev.mobilize.ir.Node;
import java.util.List;

/**
 * ncnn's fused activations ({@code activation_type} and {@code activation_params} of Convolution,
 * InnerProduct, Deconvolution): 1 ReLU, 2 leaky ReLU [slope], 3 Clip [min, max], 4 Sigmoid,
 * 5 Mish, 6 HardSwish [alpha, beta] ({@code x * clamp(alpha*x + beta, 0, 1)}).
 */
final class Activations {

  private Activations() {}

  /**
   * Writes the activation of a fused node: as ncnn's fused activation on {@code layer} when ncnn has
   * it, else as a separate layer after it (then {@code layer} writes to a temporary blob).
   */
  static void fuse(Node node, NcnnLayer layer, ExportContext ctx) {
    String act = node.attributes().getString(FusedOps.ACTIVATION, "");
    if (act.isEmpty()) {
      return;
    }
    float[] p = node.attributes().floats(FusedOps.ACTIVATION_PARAMS, new float[0]);
    switch (act) {
      case "Relu" -> layer.params.set(9, 1);
      case "LeakyRelu" -> layer.params.set(9, 2).set(10, new float[] {param(p, 0, 0.01f)});
      case "Clip" -> layer.params.set(9, 3).set(10, new float[] {param(p, 0, -Float.MAX_VALUE),
          param(p, 1, Float.MAX_VALUE)});
      case "Sigmoid" -> layer.params.set(9, 4);
      case "Mish" -> layer.params.set(9, 5);
      case "HardSwish" -> layer.params.set(9, 6).set(10, new float[] {1f / 6, 0.5f});
      default -> {
        String out = layer.outputs.get(0);
        String tmp = ctx.temp(out);
        layer.outputs.set(0, tmp);
        NcnnLayer a = standalone(act, p, node, tmp, out, ctx);
        if (a == null) {
          throw new CannotExpress("fused activation " + act + " has no ncnn layer");
        }
      }
    }
  }

  private static float param(float[] p, int i, float dflt) {
    return i < p.length ? p[i] : dflt;
  }

  /** A standalone activation layer for an activation named as in {@link FusedOps}, or null. */
  static NcnnLayer standalone(String act, float[] p, Node node, String in, String out, ExportContext ctx) {
    List<String> ins = List.of(in);
    List<String> outs = List.of(out);
    return switch (act) {
      case "Relu" -> ctx.add("ReLU", node, ins, outs);
      case "LeakyRelu" -> with(ctx.add("ReLU", node, ins, outs), 0, param(p, 0, 0.01f));
      case "Clip" -> {
        NcnnLayer l = ctx.add("Clip", node, ins, outs);
        l.params.set(0, param(p, 0, -Float.MAX_VALUE)).set(1, param(p, 1, Float.MAX_VALUE));
        yield l;
      }
      case "Sigmoid" -> ctx.add("Sigmoid", node, ins, outs);
      case "Tanh" -> ctx.add("TanH", node, ins, outs);
      case "Mish" -> ctx.add("Mish", node, ins, outs);
      case "Swish" -> ctx.add("Swish", node, ins, outs);
      case "HardSwish" -> {
        NcnnLayer l = ctx.add("HardSwish", node, ins, outs);
        l.params.set(0, 1f / 6).set(1, 0.5f);
        yield l;
      }
      case "HardSigmoid" -> {
        NcnnLayer l = ctx.add("HardSigmoid", node, ins, outs);
        l.params.set(0, param(p, 0, 0.2f)).set(1, param(p, 1, 0.5f));
        yield l;
      }
      case "Elu" -> with(ctx.add("ELU", node, ins, outs), 0, param(p, 0, 1f));
      case "Selu" -> {
        NcnnLayer l = ctx.add("SELU", node, ins, outs);
        l.params.set(0, param(p, 0, 1.6732632f)).set(1, param(p, 1, 1.050701f));
        yield l;
      }
      case "Gelu" -> {
        NcnnLayer l = ctx.add("GELU", node, ins, outs);
        l.params.setIfNot(0, (int) param(p, 0, 0), 0);
        yield l;
      }
      case "Erf" -> ctx.add("Erf", node, ins, outs);
      case "Softplus" -> ctx.add("Softplus", node, ins, outs);
      default -> null;
    };
  }

  private static NcnnLayer with(NcnnLayer l, int id, float v) {
    l.params.set(id, v);
    return l;
  }
}
