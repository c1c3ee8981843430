package dev.mobilize.ir;

import java.util.Set;

/**
 * The operators of the {@value Node#MOBILIZE_DOMAIN} domain: fused forms that passes create on the
 * way to a framework that has them (every mobile framework fuses convolution and activation), and
 * that the executor runs. Their semantics, exactly:
 *
 * <dl>
 *   <dt>{@value #FUSED_CONV}</dt>
 *   <dd>{@code act(Conv(x, w, b))}: inputs and attributes of ONNX Conv, plus {@value #ACTIVATION}
 *       and, where the activation has parameters, {@value #ACTIVATION_PARAMS}.</dd>
 *   <dt>{@value #FUSED_CONV_TRANSPOSE}</dt>
 *   <dd>{@code act(ConvTranspose(x, w, b))}, likewise.</dd>
 *   <dt>{@value #FUSED_GEMM}</dt>
 *   <dd>{@code act(Gemm(a, b, c))}, likewise.</dd>
 * </dl>
 *
 * <p>The {@value #ACTIVATION} attribute (a string) is one of: {@code Relu}; {@code Clip} with params
 * {@code [min, max]} (Relu6 is {@code [0, 6]}); {@code LeakyRelu} {@code [alpha]}; {@code Sigmoid};
 * {@code HardSigmoid} {@code [alpha, beta]}; {@code HardSwish}; {@code Swish} ({@code x·sigmoid(x)});
 * {@code Tanh}; {@code Mish}; {@code Elu} {@code [alpha]}. Each is ONNX's operator of that name
 * (Swish: {@code x * Sigmoid(x)}).
 *
 * <p>Example: {@code %y = mobilize.FusedConv(%x, %w, %b) {pads=[1,1,1,1], activation="Clip",
 * activation_params=[0.0,6.0]}}.
 */
public final class FusedOps {

  private FusedOps() {}

  /** Conv followed by an activation. */
  public static final String FUSED_CONV = "FusedConv";

  /** ConvTranspose followed by an activation. */
  public static final String FUSED_CONV_TRANSPOSE = "FusedConvTranspose";

  /** Gemm followed by an activation. */
  public static final String FUSED_GEMM = "FusedGemm";

  /** Attribute: the activation's ONNX op type. */
  public static final String ACTIVATION = "activation";

  /** Attribute: the activation's parameters (floats), in the order given in the class doc. */
  public static final String ACTIVATION_PARAMS = "activation_params";

  /** The activations a fused operator may carry. */
  public static final Set<String> ACTIVATIONS =
      Set.of("Relu", "Clip", "LeakyRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Swish", "Tanh", "Mish", "Elu");

  /**
   * The node as the ONNX operator it fuses, without its activation: Conv for {@value #FUSED_CONV},
   * ConvTranspose for {@value #FUSED_CONV_TRANSPOSE}, Gemm for {@value #FUSED_GEMM}. An activation
   * keeps shapes and types, so this is what shape inference (which knows ONNX operators) needs.
   * Any other node is returned unchanged.
   */
  public static Node withoutActivation(Node n) {
    if (!n.domain().equals(Node.MOBILIZE_DOMAIN)) {
      return n;
    }
    String base = switch (n.opType()) {
      case FUSED_CONV -> "Conv";
      case FUSED_CONV_TRANSPOSE -> "ConvTranspose";
      case FUSED_GEMM -> "Gemm";
      default -> null;
    };
    if (base == null) {
      return n;
    }
    return n.toBuilder().opType(base).domain("")
        .attributes(n.attributes().toBuilder().remove(ACTIVATION).remove(ACTIVATION_PARAMS).build()).build();
  }
}
