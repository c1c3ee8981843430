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
 * Finds the fully connected layers of a QDQ graph (docs/QUANTIZATION.md) that TNN runs as
 * QuantizedInnerProduct: {@code DQ(Q(x)) → Gemm | FusedGemm | MatMul(DQ(W_q), DQ(B_q)) [→ Relu] → Q}
 * with a 2-D input, symmetric, weight scales per output (axis 0 with transB=1, else axis 1), bias
 * scale {@code x_scale · W_scale}. TNN's int8 InnerProduct has no activation: a Relu becomes a
 * QuantizedReLU on the output scale, which is exact ({@code Q(relu(y)) = relu(Q(y))}). Found on the
 * graph before constant folding.
 */
final class Int8Fcs {

  private Int8Fcs() {}

  /**
   * One int8 fully connected layer.
   *
   * @param weight int8 weights [N, K] row-major (transposed from [K, N] where the graph has that)
   * @param n outputs
   * @param k inputs
   * @param weightScale per output
   * @param bias int32 bias, or null
   * @param relu whether a Relu follows (fused or its own node)
   * @param actNode the separate Relu node, or null
   * @param output the value after the Relu (or the layer's own output)
   */
  record Int8Fc(byte[] weight, int n, int k, float[] weightScale, int[] bias, float inputScale, float outputScale,
      boolean relu, Node actNode, String output) {}

  /** The int8 fully connected layers by their node's first output. */
  static Map<String, Int8Fc> find(Graph g) {
    QdqMatcher qdq = QdqMatcher.of(g);
    Map<String, Int8Fc> found = new HashMap<>();
    for (Node n : g.nodes()) {
      if (QdqMatcher.isQuantizedOp(n) && !n.opType().contains("Conv")) {
        qdq.match(n).asOptional().flatMap(q -> int8(g, q)).ifPresent(f -> found.put(n.output(0), f));
      }
    }
    return found;
  }

  /** TNN's QuantizedInnerProduct: symmetric, a 2-D input, bias at the product scale, Relu or none, a quantized output. */
  private static Optional<Int8Fc> int8(Graph g, QuantizedOp q) {
    Node n = q.node();
    long[] xd = g.info(n.input(0)).flatMap(v -> v.shape().staticDims()).orElse(null);
    if (xd == null || xd.length != 2 || !q.symmetric() || q.outputPair() == null || !q.biasScaleMatches()
        || !q.activation().isEmpty() && !q.activation().equals("Relu")) {
      return Optional.empty();
    }
    Tensor wq = q.weight().values();
    int axis = q.weight().axis();
    int outN = q.channels();
    int k = (int) wq.dims()[1 - axis];
    byte[] w = wq.toByteArray();
    if (axis == 1) {
      // [K, N] to [N, K]
      byte[] t = new byte[w.length];
      for (int i = 0; i < k; i++) {
        for (int j = 0; j < outN; j++) {
          t[j * k + i] = w[i * outN + j];
        }
      }
      w = t;
    }
    int[] bias = q.bias() == null ? null : q.bias().values().toIntArray();
    return Optional.of(new Int8Fc(w, outN, k, q.weightScale(), bias, q.input().scale(), q.outputPair().scale(),
        q.activation().equals("Relu"), q.activationNode(), q.output()));
  }
}
