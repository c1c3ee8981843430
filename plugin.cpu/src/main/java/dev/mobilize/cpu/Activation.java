package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/**
 * The activation fused into a {@code mobilize.FusedConv}, {@code mobilize.FusedConvTranspose} or
 * {@code mobilize.FusedGemm} node
 * (attributes {@code activation} and {@code activation_params}): a clamp to [lo, hi] that the
 * GEMM epilogue applies, and for the others a function applied to the output afterwards.
 *
 * <ul>
 *   <li>{@code Relu}: clamp to [0, inf)
 *   <li>{@code Clip} [min, max]: clamp to [min, max]
 *   <li>{@code LeakyRelu} [alpha], {@code HardSigmoid} [alpha, beta], {@code HardSwish}, {@code Sigmoid},
 *       {@code Tanh}, {@code Mish}, {@code Elu} [alpha]: as the ONNX ops; {@code Swish}: {@code x * sigmoid(x)}
 * </ul>
 */
final class Activation {

  final float lo;
  final float hi;
  final Unary.F post;

  private Activation(float lo, float hi, Unary.F post) {
    this.lo = lo;
    this.hi = hi;
    this.post = post;
  }

  static final Activation NONE = new Activation(Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, null);

  static Activation of(Node node) {
    String act = node.attributes().getString("activation", "");
    float[] p = node.attributes().floats("activation_params", new float[0]);
    return switch (act) {
      case "" -> NONE;
      case "Relu" -> new Activation(0f, Float.POSITIVE_INFINITY, null);
      case "Clip" -> new Activation(p[0], p[1], null);
      case "LeakyRelu" -> {
        float alpha = p[0];
        yield new Activation(Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, x -> x >= 0 ? x : alpha * x);
      }
      case "HardSigmoid" -> {
        float alpha = p[0];
        float beta = p[1];
        yield new Activation(Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY,
            x -> Math.max(0f, Math.min(1f, alpha * x + beta)));
      }
      case "HardSwish" -> new Activation(Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY,
          x -> x * Math.max(0f, Math.min(1f, x / 6f + 0.5f)));
      case "Sigmoid" -> new Activation(Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, MathFunctions::sigmoid);
      case "Tanh" -> new Activation(Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, x -> (float) Math.tanh(x));
      case "Swish" -> new Activation(Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY,
          x -> x * MathFunctions.sigmoid(x));
      case "Mish" -> new Activation(Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY,
          x -> (float) (x * Math.tanh(x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)))));
      case "Elu" -> {
        float alpha = p.length > 0 ? p[0] : 1f;
        yield new Activation(Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY,
            x -> x >= 0 ? x : (float) (alpha * Math.expm1(x)));
      }
      default -> throw Broadcast.unsupported(node, "fused activation '" + act
          + "', expected one of " + new java.util.TreeSet<>(dev.mobilize.ir.FusedOps.ACTIVATIONS));
    };
  }

  /** Applies the non-clamp part to {@code a[from, to)}. */
  void applyPost(float[] a, int from, int to) {
    if (post != null) {
      for (int i = from; i < to; i++) {
        a[i] = post.apply(a[i]);
      }
    }
  }
}
