package dev.mobilize.cpu;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepare-time rewrite of QDQ graphs (docs/QUANTIZATION.md) to int8 kernels, private to the executor:
 * <ol>
 *   <li>{@code Q(act(Conv|FusedConv(DQ(x_q), DQ(W_q), DQ(B_q))))} becomes
 *       {@code mobilize.Int8Conv(x_q, x_scale, W_q, W_scale, B_q, y_scale)} ({@link Int8Conv}), and
 *       Gemm, FusedGemm and MatMul with a constant weight become {@code mobilize.Int8Gemm}
 *       ({@link Int8MatMul}). Conditions: int8 activations with scalar scales and scalar zero points
 *       (attributes {@code x_zero_point}, {@code y_zero_point} when not 0; an input zero point other than
 *       0 needs weights on the exact float path), int8
 *       weights in [-127, 127] with per-output-channel (or scalar) scales and zero points 0, an int32
 *       bias whose scale is exactly {@code x_scale * W_scale}, the float result read only by the
 *       activation and the QuantizeLinear, and the int8 result read only by DequantizeLinear nodes
 *       (or a graph output). The activation is one FuseForCpu fuses (Relu, Clip, LeakyRelu, ...).
 *   <li>A Conv without activation whose float result is read only by an Add with a dequantized int8
 *       tensor, the sum read only by a QuantizeLinear ({@code Q(Add(DQ(r_q), Conv(...)))}, the
 *       residual of an inverted bottleneck), becomes {@code mobilize.Int8Conv(..., y_scale, r_q, r_scale)}
 *       when its weights allow the exact float path ({@link ExactFloatInt8Conv}) and the residual and the
 *       sum have zero point 0.
 *   <li>A QuantizeLinear whose int8 result feeds only int8 kernels and DequantizeLinear nodes becomes
 *       {@code mobilize.QuantizeInt8}; a DequantizeLinear of an int8 kernel's result becomes
 *       {@code mobilize.DequantizeInt8} (a zero point other than 0 in their attribute {@code zero_point}).
 *       Int8 tensors between these nodes are held as bytes, so
 *       consecutive int8 kernels pass them on without a float round trip.
 *   <li>DequantizeLinear nodes nobody reads any more are dropped.
 * </ol>
 * Anything else (other QDQ forms, uint8, per-tensor zero points that are not scalars) stays as it is
 * and runs op by op.
 */
final class FuseQdqForCpu {

  private static final Logger LOG = LoggerFactory.getLogger(FuseQdqForCpu.class);
  static final String INT8_CONV = "Int8Conv";
  static final String INT8_GEMM = "Int8Gemm";

  private final Graph graph;
  private final Map<String, Tensor> consts = new HashMap<>();
  private final Map<String, Node> producer = new HashMap<>();
  private final Map<String, List<Node>> consumers = new HashMap<>();
  private final Set<String> graphOutputs = new HashSet<>();

  private FuseQdqForCpu(Graph g) {
    this.graph = g;
    consts.putAll(g.initializers());
    for (Node n : g.nodes()) {
      if (n.opType().equals("Constant") && n.domain().isEmpty() && n.attributes().has("value")) {
        consts.put(n.output(0), n.attributes().tensor("value"));
      }
      n.outputs().forEach(o -> producer.put(o, n));
      n.inputs().forEach(i -> consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n));
    }
    g.outputs().forEach(v -> graphOutputs.add(v.name()));
  }

  static Graph apply(Graph g) {
    if (g.nodes().stream().noneMatch(n -> n.opType().equals("DequantizeLinear") && n.domain().isEmpty())) {
      return g;
    }
    return new FuseQdqForCpu(g).rewrite();
  }

  private Graph rewrite() {
    List<Node> nodes = new ArrayList<>(graph.nodes());
    Map<Node, Integer> index = new HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      index.put(nodes.get(i), i);
    }
    Set<String> int8Values = new HashSet<>();
    int fused = 0;
    for (Node n : graph.nodes()) {
      List<Node> chain = new ArrayList<>();
      Node op = int8Op(n, chain);
      if (op == null) {
        continue;
      }
      for (Node old : chain) {
        nodes.set(index.get(old), null);
      }
      nodes.set(index.get(chain.get(chain.size() - 1)), op);
      int8Values.add(op.output(0));
      fused++;
    }
    if (fused == 0) {
      return graph;
    }
    List<Node> kept = new ArrayList<>();
    for (Node n : nodes) {
      if (n != null) {
        kept.add(n);
      }
    }
    kept = dropUnreadDequantize(kept);
    kept = useBytes(kept, int8Values);
    LOG.debug("graph '{}': {} quantized ops run as int8 kernels", graph.name(), fused);
    return graph.toBuilder().nodes(kept).build();
  }

  /** The int8 node for a quantized op {@code n}, with the nodes it replaces in {@code chain} (op, act, Q), or null. */
  private Node int8Op(Node n, List<Node> chain) {
    boolean mobilize = n.domain().equals(Node.MOBILIZE_DOMAIN);
    if (!n.domain().isEmpty() && !mobilize) {
      return null;
    }
    String kind = switch (n.opType()) {
      case "Conv" -> mobilize ? null : INT8_CONV;
      case "FusedConv" -> mobilize && n.inputs().size() <= 3 ? INT8_CONV : null;
      case "Gemm", "MatMul" -> mobilize ? null : INT8_GEMM;
      case "FusedGemm" -> mobilize ? INT8_GEMM : null;
      default -> null;
    };
    if (kind == null || n.inputs().size() < 2 || n.outputs().size() != 1) {
      return null;
    }
    boolean transB = n.attributes().getInt("transB", 0) != 0;
    if (kind.equals(INT8_GEMM) && (n.attributes().getInt("transA", 0) != 0
        || n.attributes().getFloat("alpha", 1f) != 1f || n.attributes().getFloat("beta", 1f) != 1f)) {
      return null;
    }
    Node dx = activationDq(n.input(0));
    Node dw = dq(n.input(1));
    if (dx == null || dw == null) {
      return null;
    }
    Tensor w = consts.get(dw.input(0));
    Tensor ws = consts.get(dw.input(1));
    int wRank = kind.equals(INT8_CONV) ? 4 : 2;
    if (w == null || w.type() != DataType.INT8 || w.rank() != wRank || ws == null || ws.type() != DataType.FLOAT
        || !zeros(dw, 2, DataType.INT8)) {
      return null;
    }
    int m = (int) (kind.equals(INT8_CONV) || transB ? w.dims()[0] : w.dims()[1]);
    int axis = kind.equals(INT8_CONV) || transB ? 0 : 1;
    long axisAttr = dw.attributes().getInt("axis", 1);
    if (ws.numElements() != 1 && (ws.numElements() != m || ws.rank() != 1 || (axisAttr + wRank) % wRank != axis)) {
      return null;
    }
    for (long v : w.toLongArray()) {
      if (v == -128) {
        return null; // the vector kernel adds two products in 16 bits, which needs |w| <= 127
      }
    }
    int xZero = zeroPoint(dx);
    if (xZero != 0 && !exactOnFloats(w, m, axis, xZero)) {
      return null; // the integer kernels take no input zero point
    }
    float xs = consts.get(dx.input(1)).toFloatArray()[0];
    float[] wScale = ws.toFloatArray();
    String bias = "";
    if (n.hasInput(2)) {
      Node db = dq(n.input(2));
      if (db == null || !validBias(db, m, xs, wScale)) {
        return null;
      }
      bias = db.input(0);
    }
    // the activation: fused into the op, or the single reader of its result
    Attributes.Builder attrs = n.attributes().toBuilder();
    Node tail = n;
    if (!n.attributes().has("activation") && !graphOutputs.contains(n.output(0))) {
      List<Node> readers = consumers.getOrDefault(n.output(0), List.of());
      Attributes act = readers.size() == 1 ? FuseForCpu.activation(readers.get(0), consts) : null;
      if (act != null) {
        act.asMap().forEach(attrs::set);
        tail = readers.get(0);
      }
    }
    if (graphOutputs.contains(tail.output(0))) {
      return null;
    }
    List<Node> readers = consumers.getOrDefault(tail.output(0), List.of());
    if (tail != n && graphOutputs.contains(n.output(0)) || readers.size() != 1) {
      return null;
    }
    Node q = readers.get(0);
    // a convolution whose float result only joins a residual: Q(Add(DQ(r_q), Conv(...))), on the exact float path
    Node add = null;
    String residual = "";
    String residualScale = "";
    if (isOp(q, "Add") && kind.equals(INT8_CONV) && tail == n && q.outputs().size() == 1 && q.inputs().size() == 2
        && !graphOutputs.contains(q.output(0)) && exactOnFloats(w, m, axis, xZero)) {
      String other = q.input(0).equals(n.output(0)) ? q.input(1) : q.input(0);
      Node dr = activationDq(other);
      List<Node> sumReaders = consumers.getOrDefault(q.output(0), List.of());
      if (dr != null && zeroPoint(dr) == 0 && !other.equals(n.output(0)) && sumReaders.size() == 1
          && isOp(sumReaders.get(0), "QuantizeLinear") && isScalarInt8Zp(sumReaders.get(0))
          && zeroPoint(sumReaders.get(0)) == 0) {
        add = q;
        residual = dr.input(0);
        residualScale = dr.input(1);
        q = sumReaders.get(0);
      }
    }
    if (!isOp(q, "QuantizeLinear") || !scalarFloat(q.input(1)) || !q.hasInput(2) || !isScalarInt8Zp(q)
        || q.outputs().size() != 1) {
      return null;
    }
    for (Node r : consumers.getOrDefault(q.output(0), List.of())) {
      if (!isScalarDq(r)) {
        return null;
      }
    }
    chain.add(n);
    if (tail != n) {
      chain.add(tail);
    }
    if (add != null) {
      chain.add(add);
    }
    chain.add(q);
    if (kind.equals(INT8_GEMM)) {
      Attributes.Builder g = Attributes.builder().set("transB", transB ? 1L : 0L);
      Attributes built = attrs.build();
      built.get("activation").ifPresent(a -> g.set("activation", a));
      built.get("activation_params").ifPresent(a -> g.set("activation_params", a));
      attrs = g;
    }
    int yZero = zeroPoint(q);
    if (xZero != 0) {
      attrs.set("x_zero_point", (long) xZero);
    }
    if (yZero != 0) {
      attrs.set("y_zero_point", (long) yZero);
    }
    return Node.builder(kind).domain(Node.MOBILIZE_DOMAIN).name(n.name())
        .inputs(add == null ? List.of(dx.input(0), dx.input(1), dw.input(0), dw.input(1), bias, q.input(1))
            : List.of(dx.input(0), dx.input(1), dw.input(0), dw.input(1), bias, q.input(1), residual, residualScale))
        .outputs(q.output(0)).attributes(attrs.build()).build();
  }

  /**
   * Int8 weights with {@code m} output channels on {@code axis} (0: {@code [m, ...]}, 1: {@code [k, m]}) whose
   * sums with inputs of zero point {@code xZero} {@link ExactFloatInt8Conv} computes exactly.
   */
  private static boolean exactOnFloats(Tensor w, int m, int axis, int xZero) {
    long[] v = w.toLongArray();
    int k = v.length / m;
    byte[] b = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      // rows of output channels: [k, m] is read transposed
      b[axis == 0 ? i : i % m * k + i / m] = (byte) v[i];
    }
    return ExactFloatInt8Conv.exact(b, m, k, xZero);
  }

  /** The scalar int8 zero point of an activation Q or DQ (0 when absent). */
  private int zeroPoint(Node n) {
    return n.hasInput(2) ? (int) consts.get(n.input(2)).toLongArray()[0] : 0;
  }

  /** Input 2 of {@code n} is absent (not for QuantizeLinear, whose default type is uint8) or a constant int8 scalar. */
  private boolean isScalarInt8Zp(Node n) {
    if (!n.hasInput(2)) {
      return !n.opType().equals("QuantizeLinear");
    }
    Tensor t = consts.get(n.input(2));
    return t != null && t.type() == DataType.INT8 && t.numElements() == 1;
  }

  /** The DequantizeLinear producing {@code value}, or null. */
  private Node dq(String value) {
    Node p = producer.get(value);
    return isOp(p, "DequantizeLinear") ? p : null;
  }

  /** A DequantizeLinear of an int8 activation: scalar float scale, scalar int8 zero point. */
  private Node activationDq(String value) {
    Node p = dq(value);
    return p != null && isScalarDq(p) && p.hasInput(2) ? p : null;
  }

  private boolean isScalarDq(Node p) {
    return isOp(p, "DequantizeLinear") && scalarFloat(p.input(1)) && isScalarInt8Zp(p);
  }

  private boolean validBias(Node db, int m, float xs, float[] ws) {
    Tensor b = consts.get(db.input(0));
    Tensor bs = consts.get(db.input(1));
    if (b == null || b.type() != DataType.INT32 || b.rank() != 1 || b.numElements() != m || bs == null
        || bs.type() != DataType.FLOAT || !zeros(db, 2, DataType.INT32)) {
      return false;
    }
    float[] s = bs.toFloatArray();
    if (s.length != m && s.length != 1) {
      return false;
    }
    for (int c = 0; c < m; c++) {
      // the bias adds into the int32 sum only when its scale is the sum's scale
      if (s[s.length == 1 ? 0 : c] != xs * ws[ws.length == 1 ? 0 : c]) {
        return false;
      }
    }
    return true;
  }

  /** Input {@code i} of {@code n} is absent, or a constant of {@code type} whose values are all 0. */
  private boolean zeros(Node n, int i, DataType type) {
    if (!n.hasInput(i)) {
      return type != DataType.INT8 || !n.opType().equals("QuantizeLinear");
    }
    Tensor t = consts.get(n.input(i));
    if (t == null || t.type() != type) {
      return false;
    }
    for (long v : t.toLongArray()) {
      if (v != 0) {
        return false;
      }
    }
    return true;
  }

  private boolean scalarFloat(String value) {
    Tensor t = consts.get(value);
    return t != null && t.type() == DataType.FLOAT && t.numElements() == 1;
  }

  private static boolean isOp(Node n, String op) {
    return n != null && n.domain().isEmpty() && n.opType().equals(op);
  }

  private List<Node> dropUnreadDequantize(List<Node> nodes) {
    Set<String> read = new HashSet<>(graphOutputs);
    nodes.forEach(n -> read.addAll(n.inputs()));
    List<Node> out = new ArrayList<>();
    for (Node n : nodes) {
      if (!isOp(n, "DequantizeLinear") || read.contains(n.output(0))) {
        out.add(n);
      }
    }
    return out;
  }

  /** Turns Q and DQ nodes next to int8 kernels into their byte forms (see the class comment). */
  private List<Node> useBytes(List<Node> nodes, Set<String> int8Values) {
    Map<String, List<Node>> readers = new HashMap<>();
    nodes.forEach(n -> n.inputs().forEach(i -> readers.computeIfAbsent(i, k -> new ArrayList<>()).add(n)));
    Set<String> bytes = new HashSet<>(int8Values);
    List<Node> out = new ArrayList<>();
    for (Node node : nodes) {
      Node n = node;
      if (isOp(n, "QuantizeLinear") && n.outputs().size() == 1 && scalarFloat(n.input(1)) && n.hasInput(2)
          && isScalarInt8Zp(n) && readers.getOrDefault(n.output(0), List.of()).stream().allMatch(r -> isScalarDq(r)
              || readsAsInt8(r, node.output(0)))) {
        bytes.add(n.output(0));
        n = Node.builder("QuantizeInt8").domain(Node.MOBILIZE_DOMAIN).name(n.name())
            .inputs(n.input(0), n.input(1)).outputs(n.output(0)).attributes(zeroPointAttribute(n)).build();
      } else if (isScalarDq(n) && bytes.contains(n.input(0))) {
        n = Node.builder("DequantizeInt8").domain(Node.MOBILIZE_DOMAIN).name(n.name())
            .inputs(n.input(0), n.input(1)).outputs(n.output(0)).attributes(zeroPointAttribute(n)).build();
      }
      out.add(n);
    }
    return out;
  }

  /** {@code zero_point} of {@link QuantizeInt8}/{@link DequantizeInt8} when {@code n}'s is not 0. */
  private Attributes zeroPointAttribute(Node n) {
    int z = zeroPoint(n);
    return z == 0 ? Attributes.builder().build() : Attributes.builder().set("zero_point", (long) z).build();
  }

  /** {@code r} is an int8 kernel that reads {@code v} only as its int8 input (or an Int8Conv's residual). */
  private static boolean readsAsInt8(Node r, String v) {
    if (!isInt8Op(r)) {
      return false;
    }
    for (int i = 0; i < r.inputs().size(); i++) {
      if (r.input(i).equals(v) && i != 0 && !(i == 6 && r.opType().equals(INT8_CONV))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isInt8Op(Node n) {
    return n.domain().equals(Node.MOBILIZE_DOMAIN) && (n.opType().equals(INT8_CONV) || n.opType().equals(INT8_GEMM));
  }
}
