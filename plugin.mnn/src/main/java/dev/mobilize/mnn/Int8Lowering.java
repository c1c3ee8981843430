package dev.mobilize.mnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.FusedOps;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import dev.mobilize.qdq.QdqConstant;
import dev.mobilize.qdq.QdqMatcher;
import dev.mobilize.qdq.QdqPair;
import dev.mobilize.qdq.QuantizedOp;
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

  static Result lower(Graph g) {
    if (g.nodes().stream().noneMatch(n -> is(n, "DequantizeLinear"))) {
      return new Result(g, Map.of(), Map.of(), List.of());
    }
    QdqMatcher qdq = QdqMatcher.of(g);
    Map<String, QdqPair> pairs = new HashMap<>();          // DQ output -> symmetric pair
    qdq.pairs().forEach((v, p) -> {
      if (p.symmetric()) {
        pairs.put(v, p);
      }
    });
    Map<String, QdqConstant> weights = new HashMap<>();    // DQ output of a symmetric constant
    Graph.Builder b = g.toBuilder();
    qdq.constants().forEach((v, c) -> {
      if (c.symmetric()) {
        weights.put(v, c);
        b.initializer(v, c.dequantized());
      }
    });
    Map<String, Int8Conv> convs = new LinkedHashMap<>();
    Map<String, Float> scales = new LinkedHashMap<>();
    Set<Node> dropped = new HashSet<>();
    Map<Node, Node> replaced = new HashMap<>();
    List<String> floatNodes = new ArrayList<>();
    for (Node n : g.nodes()) {
      if (!QdqMatcher.isQuantizedOp(n) || n.inputs().size() < 2 || !weights.containsKey(n.input(1))) {
        continue;
      }
      QuantizedOp q = qdq.match(n).op();
      List<String> chain = new ArrayList<>();
      Int8Conv c = q == null ? null : int8(qdq, q, chain);
      if (c == null) {
        floatNodes.add(ExportContext.name(n));
        continue;
      }
      Node act = q.activationNode();
      Node conv = n;
      if (act != null) {
        conv = n.toBuilder().opType(FusedOps.FUSED_CONV).domain(Node.MOBILIZE_DOMAIN).outputs(act.output(0))
            .attributes(withActivation(n.attributes(), q)).build();
        dropped.add(act);
      }
      replaced.put(n, conv);
      convs.put(conv.output(0), c);
      scales.put(q.input().input(), c.inputScale());
      scales.put(conv.output(0), c.outputScale());
      chain.forEach(v -> scales.put(v, c.outputScale()));
    }
    Set<Node> pairQuantizes = new HashSet<>();
    pairs.values().forEach(p -> pairQuantizes.add(p.quantize()));
    List<Node> nodes = new ArrayList<>();
    for (Node n : g.nodes()) {
      boolean pairDq = is(n, "DequantizeLinear") && pairs.containsKey(n.output(0));
      boolean weightDq = is(n, "DequantizeLinear") && weights.containsKey(n.output(0));
      boolean pairQ = pairQuantizes.contains(n) && qdq.consumers(n.output(0)).stream()
          .allMatch(c -> is(c, "DequantizeLinear") && pairs.containsKey(c.output(0)));
      if (pairDq || weightDq || pairQ || dropped.contains(n)) {
        continue;
      }
      Node out = replaced.getOrDefault(n, n);
      Node.Builder nb = out.toBuilder();
      for (int i = 0; i < out.inputs().size(); i++) {
        QdqPair p = pairs.get(out.input(i));
        if (p != null) {
          nb.input(i, p.input());
        }
      }
      nodes.add(nb.build());
    }
    Graph lowered = b.nodes(nodes).build();
    for (ValueInfo o : g.outputs()) {
      QdqPair p = pairs.get(o.name());
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

  /**
   * The int8 convolution the quantized op {@code q} is (with its separate activation fused into it),
   * or null; the values between its output and its output's pair, which take the pair's scale, are
   * added to {@code chain}.
   */
  private static Int8Conv int8(QdqMatcher qdq, QuantizedOp q, List<String> chain) {
    if (!q.node().opType().contains("Conv") || !q.input().symmetric() || q.weight().values().rank() != 4
        || !q.biasScaleMatches()) {
      return null;
    }
    float[] bounds = q.activation().isEmpty() ? new float[0] : q.activationBounds();
    // MNN's convolutions fuse relu and relu6 only
    if (bounds == null || bounds.length == 2 && (bounds[0] != 0f || bounds[1] != 6f && bounds[1] != Float.MAX_VALUE)) {
      return null;
    }
    String out = q.output();
    List<Node> readers = qdq.consumers(out);
    // ops that commute with quantization (max, moving data) may lie between the convolution and its pair
    while (readers.size() == 1 && !qdq.isGraphOutput(out) && COMMUTING.contains(readers.get(0).opType())
        && readers.get(0).domain().isEmpty() && readers.get(0).input(0).equals(out)) {
      chain.add(out);
      out = readers.get(0).output(0);
      readers = qdq.consumers(out);
    }
    if (readers.size() != 1 || qdq.isGraphOutput(out)) {
      return null;
    }
    QdqPair pair = qdq.pairOf(readers.get(0)).filter(QdqPair::symmetric).orElse(null);
    // MNN's int8 convolution applies relu6 as relu: right when 6 quantizes to 127, so the int8 range saturates first
    if (pair == null || bounds.length == 2 && bounds[1] != Float.MAX_VALUE && Math.rint(bounds[1] / pair.scale()) < 127) {
      return null;
    }
    chain.add(out);
    return new Int8Conv(q.weight().values(), q.weightScale(), q.input().scale(), pair.scale());
  }

  private static Attributes withActivation(Attributes a, QuantizedOp q) {
    Attributes.Builder ab = a.toBuilder().set(FusedOps.ACTIVATION, q.activation());
    if (q.activation().equals("Clip")) {
      ab.floats(FusedOps.ACTIVATION_PARAMS, q.activationBounds());
    }
    return ab.build();
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
}
