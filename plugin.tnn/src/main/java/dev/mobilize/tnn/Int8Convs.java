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
    Map<String, Node> producer = new HashMap<>();
    Map<String, List<Node>> consumers = new HashMap<>();
    for (Node n : g.nodes()) {
      n.outputs().forEach(o -> producer.put(o, n));
      n.inputs().forEach(i -> consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n));
    }
    Map<String, Int8Conv> found = new HashMap<>();
    for (Node n : g.nodes()) {
      boolean fused = n.domain().equals(Node.MOBILIZE_DOMAIN) && n.opType().equals(FusedOps.FUSED_CONV);
      if (!fused && !(n.domain().isEmpty() && n.opType().equals("Conv"))) {
        continue;
      }
      match(n, fused, g, producer, consumers).ifPresent(c -> found.put(n.output(0), c));
    }
    return found;
  }

  private static Optional<Int8Conv> match(Node n, boolean fused, Graph g, Map<String, Node> producer,
      Map<String, List<Node>> consumers) {
    Node dx = op(producer.get(n.input(0)), "DequantizeLinear");
    Node qx = dx == null ? null : op(producer.get(dx.input(0)), "QuantizeLinear");
    Node dw = op(producer.get(n.input(1)), "DequantizeLinear");
    if (qx == null || dw == null) {
      return Optional.empty();
    }
    Float xScale = scalarScale(g, qx);
    Float xScale2 = scalarScale(g, dx);
    Tensor wq = g.initializer(dw.input(0)).orElse(null);
    Tensor ws = g.initializer(dw.input(1)).orElse(null);
    if (xScale == null || !xScale.equals(xScale2) || wq == null || wq.type() != DataType.INT8 || ws == null
        || !zeroOrAbsent(g, dw) || dw.attributes().getInt("axis", 1) != 0 || wq.dims().length != 4) {
      return Optional.empty();
    }
    int m = (int) wq.dims()[0];
    float[] wScale = ws.toFloatArray();
    if (wScale.length == 1) {
      float s = wScale[0];
      wScale = new float[m];
      java.util.Arrays.fill(wScale, s);
    }
    if (wScale.length != m) {
      return Optional.empty();
    }
    Tensor bq = null;
    if (n.hasInput(2)) {
      Node db = op(producer.get(n.input(2)), "DequantizeLinear");
      bq = db == null ? null : g.initializer(db.input(0)).orElse(null);
      Tensor bs = db == null ? null : g.initializer(db.input(1)).orElse(null);
      if (bq == null || bq.type() != DataType.INT32 || bs == null || !zeroOrAbsent(g, db)
          || !biasScaleMatches(bs.toFloatArray(), xScale, wScale)) {
        return Optional.empty();
      }
    }
    String act = fused ? n.attributes().getString(FusedOps.ACTIVATION, "") : "";
    if (fused && !act.isEmpty() && !act.equals("Relu") && !relu6(n.attributes().floats(FusedOps.ACTIVATION_PARAMS,
        new float[0]), act)) {
      return Optional.empty();
    }
    String out = n.output(0);
    Node actNode = null;
    List<Node> next = consumers.getOrDefault(out, List.of());
    if (!fused && next.size() == 1 && !isOutput(g, out)) {
      Node a = next.get(0);
      if (a.domain().isEmpty() && (a.opType().equals("Relu") || a.opType().equals("Clip") && clip06(g, a))) {
        actNode = a;
        act = a.opType();
        out = a.output(0);
      }
    }
    Node qy = consumers.getOrDefault(out, List.of()).stream().filter(c -> op(c, "QuantizeLinear") != null)
        .findFirst().orElse(null);
    Float yScale = qy == null ? null : scalarScale(g, qy);
    if (yScale == null) {
      return Optional.empty();
    }
    return Optional.of(new Int8Conv(wq, wScale, bq, xScale, yScale, act, actNode, out));
  }

  static boolean isOutput(Graph g, String value) {
    return g.outputs().stream().anyMatch(o -> o.name().equals(value));
  }

  static Node op(Node n, String type) {
    return n != null && n.domain().isEmpty() && n.opType().equals(type) ? n : null;
  }

  /** The scalar scale of a Q or DQ node with zero point 0 (or none), else null. */
  static Float scalarScale(Graph g, Node q) {
    Tensor s = g.initializer(q.input(1)).orElse(null);
    if (s == null || s.numElements() != 1 || !zeroOrAbsent(g, q)) {
      return null;
    }
    return s.toFloatArray()[0];
  }

  static boolean zeroOrAbsent(Graph g, Node q) {
    if (!q.hasInput(2)) {
      return true;
    }
    Tensor z = g.initializer(q.input(2)).orElse(null);
    return z != null && java.util.Arrays.stream(z.toLongArray()).allMatch(v -> v == 0);
  }

  static boolean biasScaleMatches(float[] bs, float xScale, float[] wScale) {
    for (int i = 0; i < wScale.length; i++) {
      float want = xScale * wScale[i];
      float have = bs.length == 1 ? bs[0] : bs[i];
      if (Math.abs(have - want) > 1e-6f * Math.abs(want)) {
        return false;
      }
    }
    return true;
  }

  private static boolean relu6(float[] p, String act) {
    return act.equals("Clip") && p.length == 2 && p[0] == 0f && p[1] == 6f;
  }

  private static boolean clip06(Graph g, Node clip) {
    float min = clip.hasInput(1) ? g.initializer(clip.input(1)).map(t -> t.toFloatArray()[0]).orElse(Float.NaN)
        : clip.attributes().getFloat("min", Float.NaN);
    float max = clip.hasInput(2) ? g.initializer(clip.input(2)).map(t -> t.toFloatArray()[0]).orElse(Float.NaN)
        : clip.attributes().getFloat("max", Float.NaN);
    return min == 0f && max == 6f;
  }
}
