package dev.mobilize.qdq;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.FusedOps;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The QDQ structure of one graph (docs/QUANTIZATION.md), found once: its activation pairs
 * ({@link QdqPair}), its dequantized constants ({@link QdqConstant}), and on request the quantized
 * op a node is ({@link #match}). Matching has no side effects; what an exporter does with a match
 * (and which matches it refuses, e.g. a non-zero activation zero point) is its own.
 *
 * <p>Example: {@code QdqMatcher.of(g).match(conv)} on
 * {@code %y = Conv(DQ(Q(%x, s, zp)), DQ(%W_q, %W_s) {axis=0}, DQ(%B_q, %B_s)) → Relu → Q(%r, s2, zp)}
 * gives input scale {@code s}, the int8 {@code W_q} with its scales, the int32 {@code B_q},
 * activation {@code Relu} and the output pair of scale {@code s2}.
 */
public final class QdqMatcher {

  private static final Set<String> QUANTIZED = Set.of("Conv", "Gemm", "MatMul");
  private static final Set<String> QUANTIZED_FUSED = Set.of(FusedOps.FUSED_CONV, FusedOps.FUSED_GEMM);

  private final Graph g;
  private final Map<String, List<Node>> consumers = new HashMap<>();
  private final Set<String> outputs = new HashSet<>();
  private final Map<String, QdqPair> pairs = new LinkedHashMap<>();
  private final Map<String, QdqConstant> constants = new LinkedHashMap<>();
  private final Map<Node, QdqPair> byQuantize = new HashMap<>();

  private QdqMatcher(Graph g) {
    this.g = g;
    Map<String, Node> producer = new HashMap<>();
    for (Node n : g.nodes()) {
      n.outputs().forEach(o -> producer.put(o, n));
      n.inputs().forEach(i -> consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n));
    }
    g.outputs().forEach(o -> outputs.add(o.name()));
    for (Node n : g.nodes()) {
      if (is(n, "DequantizeLinear")) {
        classify(n, producer.get(n.input(0)));
      }
    }
  }

  /** The QDQ structure of {@code g}. */
  public static QdqMatcher of(Graph g) {
    return new QdqMatcher(g);
  }

  /** Whether {@code n} is an op the QDQ form quantizes: Conv, FusedConv, Gemm, FusedGemm or MatMul. */
  public static boolean isQuantizedOp(Node n) {
    return n.domain().isEmpty() ? QUANTIZED.contains(n.opType())
        : n.domain().equals(Node.MOBILIZE_DOMAIN) && QUANTIZED_FUSED.contains(n.opType());
  }

  /** The graph matched. */
  public Graph graph() {
    return g;
  }

  /** The activation pairs by the value their DequantizeLinear writes, in graph order. */
  public Map<String, QdqPair> pairs() {
    return Collections.unmodifiableMap(pairs);
  }

  /** The dequantized constants by the value their DequantizeLinear writes, in graph order. */
  public Map<String, QdqConstant> constants() {
    return Collections.unmodifiableMap(constants);
  }

  /** The pair whose DequantizeLinear writes {@code value}. */
  public Optional<QdqPair> pair(String value) {
    return Optional.ofNullable(pairs.get(value));
  }

  /** The dequantized constant {@code value} is. */
  public Optional<QdqConstant> constant(String value) {
    return Optional.ofNullable(constants.get(value));
  }

  /** The (first) pair {@code quantize} starts. */
  public Optional<QdqPair> pairOf(Node quantize) {
    return Optional.ofNullable(byQuantize.get(quantize));
  }

  /** The pair of the first QuantizeLinear (in graph order) that reads {@code value} and starts a pair. */
  public Optional<QdqPair> outputPair(String value) {
    for (Node c : consumers(value)) {
      QdqPair p = byQuantize.get(c);
      if (p != null) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** The nodes reading {@code value}, in graph order. */
  public List<Node> consumers(String value) {
    return consumers.getOrDefault(value, List.of());
  }

  /** Whether {@code value} is a graph output. */
  public boolean isGraphOutput(String value) {
    return outputs.contains(value);
  }

  /**
   * The quantized op {@code n} is, or why it is none: a Conv/FusedConv, a Gemm/FusedGemm
   * ({@code transA=0}, {@code alpha=beta=1}) or a MatMul whose input comes through a pair, whose
   * weight is a dequantized symmetric int8 constant quantized along the output-channel axis (0 for a
   * convolution and for Gemm with {@code transB=1}, else 1, on a 2-D weight), and whose bias (if
   * any) is a dequantized symmetric int32 constant with one value per output channel. The bias
   * scale is not checked ({@link QuantizedOp#biasScaleMatches}); the output pair may be missing.
   */
  public Match match(Node n) {
    if (!isQuantizedOp(n)) {
      return Match.none(n.opType() + " is not a quantized op");
    }
    if (n.inputs().size() < 2) {
      return Match.none("it has no weight");
    }
    QdqPair in = pairs.get(n.input(0));
    if (in == null) {
      return Match.none("its input does not come through a QuantizeLinear→DequantizeLinear pair");
    }
    QdqConstant w = constants.get(n.input(1));
    if (w == null || w.values().type() != DataType.INT8) {
      return Match.none("its weight is not a dequantized int8 constant");
    }
    if (!w.symmetric()) {
      return Match.none("its weight has a non-zero zero point");
    }
    QdqConstant bias = n.hasInput(2) ? constants.get(n.input(2)) : null;
    if (n.hasInput(2) && (bias == null || bias.values().type() != DataType.INT32 || !bias.symmetric())) {
      return Match.none("its bias is not a dequantized int32 constant with zero point 0");
    }
    Attributes a = n.attributes();
    boolean conv = n.opType().contains("Conv");
    int axis = 0;
    if (!conv) {
      if (!n.opType().equals("MatMul")
          && (a.getFloat("alpha", 1f) != 1f || a.getFloat("beta", 1f) != 1f || a.getInt("transA", 0) != 0)) {
        return Match.none("Gemm with alpha/beta other than 1 or transA");
      }
      if (w.values().rank() != 2) {
        return Match.none("its weight is not a matrix");
      }
      axis = !n.opType().equals("MatMul") && a.getInt("transB", 0) != 0 ? 0 : 1;
    }
    if (w.axis() != axis) {
      return Match.none("its weight scales are along axis " + w.axis() + ", not along the output channels (axis "
          + axis + ")");
    }
    int m = (int) w.values().dims()[axis];
    float[] ws = w.scale();
    if (ws.length == 1) {
      ws = new float[m];
      java.util.Arrays.fill(ws, w.scale()[0]);
    }
    if (ws.length != m) {
      return Match.none("its weight has " + ws.length + " scales for " + m + " output channels");
    }
    if (bias != null && bias.values().numElements() != m) {
      return Match.none("its bias has " + bias.values().numElements() + " values for " + m + " output channels");
    }
    String act = "";
    float[] bounds = null;
    Node actNode = null;
    if (n.domain().equals(Node.MOBILIZE_DOMAIN)) {
      act = a.getString(FusedOps.ACTIVATION, "");
      if (act.equals("Relu")) {
        bounds = new float[] {0f, Float.MAX_VALUE};
      } else if (act.equals("Clip")) {
        bounds = a.floats(FusedOps.ACTIVATION_PARAMS, new float[0]);
      }
    } else {
      List<Node> next = consumers(n.output(0));
      if (next.size() == 1 && !isGraphOutput(n.output(0))) {
        Node c = next.get(0);
        bounds = is(c, "Relu") ? new float[] {0f, Float.MAX_VALUE} : is(c, "Clip") ? clipBounds(c) : null;
        if (bounds != null) {
          act = c.opType();
          actNode = c;
        }
      }
    }
    String out = actNode != null ? actNode.output(0) : n.output(0);
    return new Match(new QuantizedOp(n, in, w, ws, bias, act, bounds, actNode, out, outputPair(out).orElse(null)),
        null);
  }

  /**
   * The result of {@link #match}: the quantized op, or null and why not.
   *
   * @param op the match, or null
   * @param reason why {@code n} is no quantized op of the QDQ form ("its weight is not ..."), or null
   */
  public record Match(QuantizedOp op, String reason) {

    static Match none(String reason) {
      return new Match(null, reason);
    }

    /** Whether it matched. */
    public boolean matched() {
      return op != null;
    }

    /** The match, if any. */
    public Optional<QuantizedOp> asOptional() {
      return Optional.ofNullable(op);
    }
  }

  /** {@code [min, max]} of a Clip with constant bounds (inputs, else attributes; an absent one ±MAX_VALUE), or null. */
  private float[] clipBounds(Node clip) {
    float min = clip.hasInput(1) ? g.initializer(clip.input(1)).map(t -> t.toFloatArray()[0]).orElse(Float.NaN)
        : clip.attributes().getFloat("min", -Float.MAX_VALUE);
    float max = clip.hasInput(2) ? g.initializer(clip.input(2)).map(t -> t.toFloatArray()[0]).orElse(Float.NaN)
        : clip.attributes().getFloat("max", Float.MAX_VALUE);
    return Float.isNaN(min) || Float.isNaN(max) ? null : new float[] {min, max};
  }

  private void classify(Node dq, Node producer) {
    Tensor s = g.initializer(dq.input(1)).orElse(null);
    long[] zp = zeroPoint(dq);
    if (s == null || zp == null) {
      return;
    }
    Tensor q = g.initializer(dq.input(0)).orElse(null);
    if (q != null) {
      long axis = dq.attributes().getInt("axis", 1);
      constants.put(dq.output(0), new QdqConstant(dq, q, s.toFloatArray(), zp, (int) (axis < 0 ? axis + q.rank()
          : axis)));
      return;
    }
    if (producer == null || !is(producer, "QuantizeLinear") || s.numElements() != 1) {
      return;
    }
    Tensor qs = g.initializer(producer.input(1)).orElse(null);
    long[] qz = zeroPoint(producer);
    if (qs == null || qs.numElements() != 1 || qs.toFloatArray()[0] != s.toFloatArray()[0] || qz == null
        || qz.length > 1 || zp.length > 1 || scalar(qz) != scalar(zp)) {
      return;
    }
    QdqPair p = new QdqPair(producer.input(0), producer.output(0), dq.output(0), s.toFloatArray()[0], scalar(zp),
        producer, dq);
    pairs.put(dq.output(0), p);
    byQuantize.putIfAbsent(producer, p);
  }

  /** The zero point values of a Q or DQ node: empty when absent, null when not a constant. */
  private long[] zeroPoint(Node q) {
    if (!q.hasInput(2)) {
      return new long[0];
    }
    return g.initializer(q.input(2)).map(Tensor::toLongArray).orElse(null);
  }

  private static long scalar(long[] zp) {
    return zp.length == 0 ? 0 : zp[0];
  }

  private static boolean is(Node n, String op) {
    return n.domain().isEmpty() && n.opType().equals(op);
  }
}
