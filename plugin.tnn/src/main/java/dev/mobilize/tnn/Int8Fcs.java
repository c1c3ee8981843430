package dev.mobilize.tnn;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.FusedOps;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
    Map<String, Node> producer = new HashMap<>();
    Map<String, List<Node>> consumers = new HashMap<>();
    for (Node n : g.nodes()) {
      n.outputs().forEach(o -> producer.put(o, n));
      n.inputs().forEach(i -> consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n));
    }
    Map<String, Int8Fc> found = new HashMap<>();
    for (Node n : g.nodes()) {
      boolean fused = n.domain().equals(Node.MOBILIZE_DOMAIN) && n.opType().equals(FusedOps.FUSED_GEMM);
      boolean plain = n.domain().isEmpty() && (n.opType().equals("Gemm") || n.opType().equals("MatMul"));
      if ((fused || plain) && n.inputs().size() >= 2) {
        match(n, fused, g, producer, consumers).ifPresent(f -> found.put(n.output(0), f));
      }
    }
    return found;
  }

  private static Optional<Int8Fc> match(Node n, boolean fused, Graph g, Map<String, Node> producer,
      Map<String, List<Node>> consumers) {
    boolean matMul = n.opType().equals("MatMul");
    var a = n.attributes();
    if (!matMul && (a.getInt("transA", 0) != 0 || a.getFloat("alpha", 1f) != 1f || a.getFloat("beta", 1f) != 1f)) {
      return Optional.empty();
    }
    long[] xd = g.info(n.input(0)).flatMap(v -> v.shape().staticDims()).orElse(null);
    Float xScale = Int8Ops.inputScale(g, producer, n.input(0));
    Node dw = Int8Convs.op(producer.get(n.input(1)), "DequantizeLinear");
    if (xd == null || xd.length != 2 || xScale == null || dw == null || !Int8Convs.zeroOrAbsent(g, dw)) {
      return Optional.empty();
    }
    Tensor wq = g.initializer(dw.input(0)).orElse(null);
    Tensor ws = g.initializer(dw.input(1)).orElse(null);
    boolean transB = !matMul && a.getInt("transB", 0) == 1;
    int axis = transB ? 0 : 1;
    if (wq == null || wq.type() != DataType.INT8 || wq.rank() != 2 || ws == null
        || dw.attributes().getInt("axis", 1) != axis) {
      return Optional.empty();
    }
    int outN = (int) wq.dims()[axis];
    int k = (int) wq.dims()[1 - axis];
    float[] wScale = ws.toFloatArray();
    if (wScale.length == 1) {
      float s = wScale[0];
      wScale = new float[outN];
      java.util.Arrays.fill(wScale, s);
    }
    if (wScale.length != outN) {
      return Optional.empty();
    }
    byte[] w = wq.toByteArray();
    if (!transB) {
      byte[] t = new byte[w.length];
      for (int i = 0; i < k; i++) {
        for (int j = 0; j < outN; j++) {
          t[j * k + i] = w[i * outN + j];
        }
      }
      w = t;
    }
    int[] bias = null;
    if (n.hasInput(2)) {
      Node db = Int8Convs.op(producer.get(n.input(2)), "DequantizeLinear");
      Tensor bq = db == null ? null : g.initializer(db.input(0)).orElse(null);
      Tensor bs = db == null ? null : g.initializer(db.input(1)).orElse(null);
      if (bq == null || bq.type() != DataType.INT32 || bq.numElements() != outN || bs == null
          || !Int8Convs.zeroOrAbsent(g, db) || !Int8Convs.biasScaleMatches(bs.toFloatArray(), xScale, wScale)) {
        return Optional.empty();
      }
      bias = bq.toIntArray();
    }
    String act = fused ? a.getString(FusedOps.ACTIVATION, "") : "";
    if (!act.isEmpty() && !act.equals("Relu")) {
      return Optional.empty();
    }
    String out = n.output(0);
    Node actNode = null;
    List<Node> next = consumers.getOrDefault(out, List.of());
    if (!fused && next.size() == 1 && !Int8Convs.isOutput(g, out) && Int8Convs.op(next.get(0), "Relu") != null) {
      actNode = next.get(0);
      act = "Relu";
      out = actNode.output(0);
    }
    Float yScale = Int8Ops.outputScale(g, consumers, out);
    if (yScale == null) {
      return Optional.empty();
    }
    return Optional.of(new Int8Fc(w, outN, k, wScale, bias, xScale, yScale, !act.isEmpty(), actNode, out));
  }
}
