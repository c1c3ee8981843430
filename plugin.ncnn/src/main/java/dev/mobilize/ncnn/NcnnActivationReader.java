package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Tensor;
import java.util.List;

/** ReLU (slope: LeakyRelu), Clip, Sigmoid, TanH, Mish, Swish, HardSigmoid, HardSwish, ELU, SELU, GELU, Erf, Softplus. */
final class NcnnActivationReader implements NcnnLayerReader {

  private final String type;

  NcnnActivationReader(String type) {
    this.type = type;
  }

  @Override
  public void read(NcnnParams p, ImportContext ctx) {
    String x = ctx.in(0);
    List<String> out = List.of(ctx.out(0));
    switch (type) {
      case "ReLU" -> {
        float slope = p.getFloat(0, 0f);
        if (slope == 0f) {
          ctx.node("Relu", List.of(x), out, Attributes.EMPTY);
        } else {
          ctx.node("LeakyRelu", List.of(x), out, Attributes.builder().set("alpha", slope).build());
        }
      }
      case "Clip" -> ctx.node("Clip", List.of(x, ctx.constant(Tensor.scalar(p.getFloat(0, -Float.MAX_VALUE))),
          ctx.constant(Tensor.scalar(p.getFloat(1, Float.MAX_VALUE)))), out, Attributes.EMPTY);
      case "Sigmoid" -> ctx.node("Sigmoid", List.of(x), out, Attributes.EMPTY);
      case "TanH" -> ctx.node("Tanh", List.of(x), out, Attributes.EMPTY);
      case "Mish" -> ctx.node("Mish", List.of(x), out, Attributes.EMPTY);
      case "Swish" -> {
        String s = ctx.temp();
        ctx.node("Sigmoid", List.of(x), List.of(s), Attributes.EMPTY);
        ctx.node("Mul", List.of(x, s), out, Attributes.EMPTY);
      }
      case "HardSigmoid" -> ctx.node("HardSigmoid", List.of(x), out,
          Attributes.builder().set("alpha", p.getFloat(0, 0.2f)).set("beta", p.getFloat(1, 0.5f)).build());
      case "HardSwish" -> {
        // x * clamp(alpha*x + beta, 0, 1) = x * HardSigmoid(x)
        String s = ctx.temp();
        ctx.node("HardSigmoid", List.of(x), List.of(s),
            Attributes.builder().set("alpha", p.getFloat(0, 0.2f)).set("beta", p.getFloat(1, 0.5f)).build());
        ctx.node("Mul", List.of(x, s), out, Attributes.EMPTY);
      }
      case "ELU" -> ctx.node("Elu", List.of(x), out, Attributes.builder().set("alpha", p.getFloat(0, 0.1f)).build());
      case "SELU" -> ctx.node("Selu", List.of(x), out, Attributes.builder().set("alpha", p.getFloat(0, 1.6732632f))
          .set("gamma", p.getFloat(1, 1.050701f)).build());
      case "GELU" -> ctx.node("Gelu", List.of(x), out, Attributes.builder()
          .set("approximate", p.getInt(0, 0) != 0 ? "tanh" : "none").build());
      case "Erf" -> ctx.node("Erf", List.of(x), out, Attributes.EMPTY);
      case "Softplus" -> ctx.node("Softplus", List.of(x), out, Attributes.EMPTY);
      default -> throw new IllegalStateException("no activation " + type);
    }
  }
}
