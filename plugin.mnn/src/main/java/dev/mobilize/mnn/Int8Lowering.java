package dev.mobilize.mnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.FusedOps;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lowers a QDQ graph (docs/QUANTIZATION.md) to the form MNN's quantized models have: no
 * QuantizeLinear/DequantizeLinear ops, int8 convolutions carrying their int8 weights and scales
 * ({@link Int8Conv}), and an int8 scale on every tensor such a convolution reads or writes (written as
 * {@code Net.extraTensorDescribe[].quantInfo}, from which MNN runs the convolution as ConvInt8 and casts
 * between float and int8 where needed). Activation pairs {@code DQ(Q(x, s), s)} are removed (readers read
 * {@code x}); a DequantizeLinear of a constant becomes the float constant. An int8 convolution is
 * {@code DQ(Q(x)) → Conv|FusedConv(DQ(W_q int8, axis 0), DQ(B_q int32, x_scale·W_scale)) [→ Relu |
 * Clip(0,6)] [→ MaxPool, Reshape, ... (ops that commute with quantization)] → Q}, symmetric; a
 * separate Relu/Clip is fused into it (MNN's int8 convolution applies
 * relu itself; relu6 only when 6 quantizes to 127, where the int8 range saturates). Other quantized ops
 * (Gemm, MatMul, convolutions outside the pattern) stay float with dequantized weights, as MNN's own
 * calibration tool quantizes convolutions only; they are listed in {@link Result#floatNodes}.
 */
final class Int8Lowering {

  private Int8Lowering() {}

  /**
   * One int8 convolution: its int8 weight [M, C/g, kh, kw] with per-output-channel scales, and the
   * scales of the tensor it reads and of the one it writes (after its activation).
   */
  record Int8Conv(Tensor weight, float[] weightScale, float inputScale, float outputScale) {}

  /**
   * The lowered graph, its int8 convolutions by their output value, the int8 scale of each tensor
   * they touch, and the quantized nodes written in float.
   */
  record Result(Graph graph, Map<String, Int8Conv> convs, Map<String, Float> scales, List<String> floatNodes) {}

  /** Ops f with f(q(x)) = q(f(x)) for symmetric per-tensor quantization q. */
  private static final Set<String> COMMUTING = Set.of("MaxPool", "GlobalMaxPool", "Reshape", "Flatten", "Squeeze",
      "Unsqueeze", "Transpose", "Identity");

  private static final Set<String> QUANTIZED = Set.of("Conv", FusedOps.FUSED_CONV, "Gemm", FusedOps.FUSED_GEMM,
      "MatMul");

  /** An activation pair: the value quantized and its scale. */
  private record Pair(String input, float scale, Node quantize) {}

  static Result lower(Graph g) {
    if (g.nodes().stream().noneMatch(n -> is(n, "DequantizeLinear"))) {
      return new Result(g, Map.of(), Map.of(), List.of());
    }
    Map<String, List<Node>> consumers = new HashMap<>();
    for (Node n : g.nodes()) {
      n.inputs().forEach(i -> consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n));
    }
    Map<String, Pair> pairs = new HashMap<>();       // DQ output -> pair
    Map<String, Node> weights = new HashMap<>();     // DQ output of a constant -> the DQ
    Graph.Builder b = g.toBuilder();
    for (Node n : g.nodes()) {
      if (!is(n, "DequantizeLinear")) {
        continue;
      }
      Tensor s = g.initializer(n.input(1)).orElse(null);
      if (s == null || !zeroPoint(g, n)) {
        continue;
      }
      Tensor q = g.initializer(n.input(0)).orElse(null);
      if (q != null) {
        weights.put(n.output(0), n);
        b.initializer(n.output(0), dequantize(q, s, n.attributes().getInt("axis", 1)));
        continue;
      }
      Node qn = g.producer(n.input(0)).filter(p -> is(p, "QuantizeLinear")).orElse(null);
      Float qs = qn == null ? null : scalar(g, qn);
      if (qs != null && s.numElements() == 1 && qs == s.toFloatArray()[0]) {
        pairs.put(n.output(0), new Pair(qn.input(0), qs, qn));
      }
    }
    Map<String, Int8Conv> convs = new LinkedHashMap<>();
    Map<String, Float> scales = new LinkedHashMap<>();
    Set<Node> dropped = new HashSet<>();
    Map<Node, Node> replaced = new HashMap<>();
    List<String> floatNodes = new ArrayList<>();
    for (Node n : g.nodes()) {
      if (!QUANTIZED.contains(n.opType()) || n.inputs().size() < 2 || !weights.containsKey(n.input(1))) {
        continue;
      }
      Node act = activationNode(g, n, consumers);
      List<String> chain = new ArrayList<>();
      Int8Conv c = match(g, n, act, pairs, weights, consumers, chain);
      if (c == null) {
        floatNodes.add(ExportContext.name(n));
        continue;
      }
      Node conv = n;
      if (act != null) {
        conv = n.toBuilder().opType(FusedOps.FUSED_CONV).domain(Node.MOBILIZE_DOMAIN).outputs(act.output(0))
            .attributes(withActivation(g, n.attributes(), act)).build();
        dropped.add(act);
      }
      replaced.put(n, conv);
      convs.put(conv.output(0), c);
      scales.put(pairs.get(n.input(0)).input(), c.inputScale());
      scales.put(conv.output(0), c.outputScale());
      chain.forEach(v -> scales.put(v, c.outputScale()));
    }
    Set<Node> pairQuantizes = new HashSet<>();
    pairs.values().forEach(p -> pairQuantizes.add(p.quantize()));
    List<Node> nodes = new ArrayList<>();
    for (Node n : g.nodes()) {
      boolean pairDq = is(n, "DequantizeLinear") && pairs.containsKey(n.output(0));
      boolean weightDq = is(n, "DequantizeLinear") && weights.containsKey(n.output(0));
      boolean pairQ = pairQuantizes.contains(n) && consumers.getOrDefault(n.output(0), List.of()).stream()
          .allMatch(c -> is(c, "DequantizeLinear") && pairs.containsKey(c.output(0)));
      if (pairDq || weightDq || pairQ || dropped.contains(n)) {
        continue;
      }
      Node out = replaced.getOrDefault(n, n);
      Node.Builder nb = out.toBuilder();
      for (int i = 0; i < out.inputs().size(); i++) {
        Pair p = pairs.get(out.input(i));
        if (p != null) {
          nb.input(i, p.input());
        }
      }
      nodes.add(nb.build());
    }
    Graph lowered = b.nodes(nodes).build();
    for (ValueInfo o : g.outputs()) {
      Pair p = pairs.get(o.name());
      if (p != null) {
        lowered = rename(lowered, p.input(), o.name());
        move(scales, p.input(), o.name());
        if (convs.containsKey(p.input())) {
          convs.put(o.name(), convs.remove(p.input()));
        }
      }
    }
    return new Result(lowered, convs, scales, floatNodes);
  }

  /** The Relu or Clip(0, 6) that alone reads a plain Conv's result (not a graph output), else null. */
  private static Node activationNode(Graph g, Node conv, Map<String, List<Node>> consumers) {
    if (!is(conv, "Conv")) {
      return null;
    }
    List<Node> next = consumers.getOrDefault(conv.output(0), List.of());
    if (next.size() != 1 || isOutput(g, conv.output(0))) {
      return null;
    }
    Node a = next.get(0);
    return is(a, "Relu") || is(a, "Clip") && clipBounds(g, a) != null ? a : null;
  }

  /**
   * The int8 convolution {@code n} (with {@code act} fused into it) is, or null; the values between its
   * output and its output's pair, which take the pair's scale, are added to {@code chain}.
   */
  private static Int8Conv match(Graph g, Node n, Node act, Map<String, Pair> pairs, Map<String, Node> weights,
      Map<String, List<Node>> consumers, List<String> chain) {
    boolean fused = n.opType().equals(FusedOps.FUSED_CONV) && n.domain().equals(Node.MOBILIZE_DOMAIN);
    if (!fused && !is(n, "Conv")) {
      return null;
    }
    Pair in = pairs.get(n.input(0));
    Node dw = weights.get(n.input(1));
    Tensor wq = g.initializer(dw.input(0)).orElseThrow();
    float[] ws = g.initializer(dw.input(1)).orElseThrow().toFloatArray();
    if (in == null || wq.type() != DataType.INT8 || wq.dims().length != 4 || dw.attributes().getInt("axis", 1) != 0) {
      return null;
    }
    int m = (int) wq.dims()[0];
    if (ws.length == 1) {
      float s = ws[0];
      ws = new float[m];
      java.util.Arrays.fill(ws, s);
    }
    if (ws.length != m || n.hasInput(2) && !biasMatches(g, weights.get(n.input(2)), in.scale(), ws)) {
      return null;
    }
    float[] bounds;
    if (fused) {
      String a = n.attributes().getString(FusedOps.ACTIVATION, "");
      float[] p = n.attributes().floats(FusedOps.ACTIVATION_PARAMS, new float[0]);
      bounds = a.isEmpty() ? new float[0] : a.equals("Relu") ? new float[] {0, Float.MAX_VALUE}
          : a.equals("Clip") ? p : null;
    } else {
      bounds = act == null ? new float[0] : is(act, "Relu") ? new float[] {0, Float.MAX_VALUE} : clipBounds(g, act);
    }
    // MNN's convolutions fuse relu and relu6 only
    if (bounds == null || bounds.length == 2 && (bounds[0] != 0f || bounds[1] != 6f && bounds[1] != Float.MAX_VALUE)) {
      return null;
    }
    String out = act == null ? n.output(0) : act.output(0);
    List<Node> readers = consumers.getOrDefault(out, List.of());
    // ops that commute with quantization (max, moving data) may lie between the convolution and its pair
    while (readers.size() == 1 && !isOutput(g, out) && COMMUTING.contains(readers.get(0).opType())
        && readers.get(0).domain().isEmpty() && readers.get(0).input(0).equals(out)) {
      chain.add(out);
      out = readers.get(0).output(0);
      readers = consumers.getOrDefault(out, List.of());
    }
    if (readers.size() != 1 || isOutput(g, out)) {
      return null;
    }
    Node reader = readers.get(0);
    Pair pair = pairs.values().stream().filter(p -> p.quantize() == reader).findFirst().orElse(null);
    // MNN's int8 convolution applies relu6 as relu: right when 6 quantizes to 127, so the int8 range saturates first
    if (pair == null || bounds.length == 2 && bounds[1] != Float.MAX_VALUE && Math.rint(bounds[1] / pair.scale()) < 127) {
      return null;
    }
    chain.add(out);
    return new Int8Conv(wq, ws, in.scale(), pair.scale());
  }

  private static boolean biasMatches(Graph g, Node db, float xScale, float[] ws) {
    if (db == null) {
      return false;
    }
    Tensor bq = g.initializer(db.input(0)).orElseThrow();
    float[] bs = g.initializer(db.input(1)).orElseThrow().toFloatArray();
    if (bq.type() != DataType.INT32) {
      return false;
    }
    for (int i = 0; i < ws.length; i++) {
      float want = xScale * ws[i];
      float have = bs.length == 1 ? bs[0] : bs[i];
      if (Math.abs(have - want) > 1e-6f * Math.abs(want)) {
        return false;
      }
    }
    return true;
  }

  private static Attributes withActivation(Graph g, Attributes a, Node act) {
    Attributes.Builder ab = a.toBuilder().set(FusedOps.ACTIVATION, act.opType());
    if (is(act, "Clip")) {
      ab.floats(FusedOps.ACTIVATION_PARAMS, clipBounds(g, act));
    }
    return ab.build();
  }

  /** Constant bounds of a Clip (inputs or attributes), or null. */
  private static float[] clipBounds(Graph g, Node clip) {
    float min = clip.hasInput(1) ? g.initializer(clip.input(1)).map(t -> t.toFloatArray()[0]).orElse(Float.NaN)
        : clip.attributes().getFloat("min", -Float.MAX_VALUE);
    float max = clip.hasInput(2) ? g.initializer(clip.input(2)).map(t -> t.toFloatArray()[0]).orElse(Float.NaN)
        : clip.attributes().getFloat("max", Float.MAX_VALUE);
    return Float.isNaN(min) || Float.isNaN(max) ? null : new float[] {min, max};
  }

  /** The producer of {@code from} writes {@code to} (a graph output) and every reader of {@code from} reads it. */
  private static Graph rename(Graph g, String from, String to) {
    List<Node> nodes = new ArrayList<>();
    for (Node n : g.nodes()) {
      Node.Builder nb = n.toBuilder();
      boolean changed = false;
      if (n.outputs().contains(from)) {
        List<String> outs = new ArrayList<>(n.outputs());
        outs.set(outs.indexOf(from), to);
        nb.outputs(outs);
        changed = true;
      }
      for (int i = 0; i < n.inputs().size(); i++) {
        if (n.input(i).equals(from)) {
          nb.input(i, to);
          changed = true;
        }
      }
      nodes.add(changed ? nb.build() : n);
    }
    return g.toBuilder().nodes(nodes).removeValueInfo(from).build();
  }

  private static void move(Map<String, Float> scales, String from, String to) {
    Float s = scales.remove(from);
    if (s != null) {
      scales.put(to, s);
    }
  }

  private static boolean is(Node n, String op) {
    return n.domain().isEmpty() && n.opType().equals(op);
  }

  private static boolean isOutput(Graph g, String value) {
    return g.outputs().stream().anyMatch(o -> o.name().equals(value));
  }

  /** The scalar scale of a Q node with zero point 0 (or none), else null. */
  private static Float scalar(Graph g, Node q) {
    Tensor s = g.initializer(q.input(1)).orElse(null);
    return s == null || s.numElements() != 1 || !zeroPoint(g, q) ? null : s.toFloatArray()[0];
  }

  private static boolean zeroPoint(Graph g, Node q) {
    if (!q.hasInput(2)) {
      return true;
    }
    Tensor z = g.initializer(q.input(2)).orElse(null);
    return z != null && java.util.Arrays.stream(z.toLongArray()).allMatch(v -> v == 0);
  }

  /** {@code q · scale}, per tensor or along {@code axis}. */
  static Tensor dequantize(Tensor q, Tensor scale, long axis) {
    float[] v = q.toFloatArray();
    float[] s = scale.toFloatArray();
    long[] d = q.dims();
    int ax = (int) (axis < 0 ? axis + d.length : axis);
    long inner = 1;
    for (int i = ax + 1; i < d.length; i++) {
      inner *= d[i];
    }
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      int c = s.length == 1 ? 0 : (int) ((i / inner) % d[ax]);
      out[i] = v[i] * s[c];
    }
    return Tensor.ofFloats(d, out);
  }
}
