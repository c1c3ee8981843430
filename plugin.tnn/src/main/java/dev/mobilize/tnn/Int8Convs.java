package dev.mobilize.tnn;

import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import dev.mobilize.qdq.QdqMatcher;
import dev.mobilize.qdq.QuantizedOp;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the convolutions of a QDQ graph (docs/QUANTIZATION.md) that TNN runs in int8:
 * {@code DQ(Q(x)) → Conv(DQ(W_q), DQ(B_q)) [→ Relu | Clip(0,6)] → Q}, symmetric (all zero points
 * 0), weight scales per output channel (axis 0), bias scale {@code x_scale · W_scale}. Found on the
 * graph before constant folding (which turns the weights' DequantizeLinear into float constants).
 */
final class Int8Convs {

  private Int8Convs() {}

  /**
   * One int8 convolution: int8 weights and their scales, int32 bias (or null), the input and output
   * activation scales, the activation fused into it ("" / Relu / Clip) and the node that computed it
   * (null when fused in the conv), and the value after the activation.
   */
  record Int8Conv(Tensor weight, float[] weightScale, Tensor bias, float inputScale, float outputScale, String act,
      Node actNode, String output) {}

  /** The int8 convolutions by the name of the conv node's first output. */
  static Map<String, Int8Conv> find(Graph g) {
    QdqMatcher qdq = QdqMatcher.of(g);
    Map<String, Int8Conv> found = new HashMap<>();
    for (Node n : g.nodes()) {
      if (QdqMatcher.isQuantizedOp(n) && n.opType().contains("Conv")) {
        qdq.match(n).asOptional().flatMap(Int8Convs::int8).ifPresent(c -> found.put(n.output(0), c));
      }
    }
    return found;
  }

  /** TNN's int8 convolution: symmetric, a 4-D weight, bias at the product scale, Relu or Relu6, a quantized output. */
  private static Optional<Int8Conv> int8(QuantizedOp q) {
    boolean relu6 = q.activation().equals("Clip") && q.activationBounds().length == 2
        && q.activationBounds()[0] == 0f && q.activationBounds()[1] == 6f;
    if (!q.symmetric() || q.outputPair() == null || q.weight().values().rank() != 4 || !q.biasScaleMatches()
        || !q.activation().isEmpty() && !q.activation().equals("Relu") && !relu6) {
      return Optional.empty();
    }
    return Optional.of(new Int8Conv(q.weight().values(), q.weightScale(), q.bias() == null ? null
        : q.bias().values(), q.input().scale(), q.outputPair().scale(), q.activation(), q.activationNode(),
        q.output()));
  }
}
