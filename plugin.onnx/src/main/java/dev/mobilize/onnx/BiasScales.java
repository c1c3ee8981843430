package dev.mobilize.onnx;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The scale of an int32 bias in a QDQ graph is by definition {@code x_scale · W_scale} (one float
 * per output channel), and both factors are already in the file. So the .onnx file stores it as
 * {@code Mul(x_scale, W_scale)} instead of a second per-channel array (4 bytes per channel; 0.5% of a
 * float MobileNetV2), and reading the file turns such a Mul of two float constants read only as a
 * DequantizeLinear scale back into a constant, so everything after the importer sees the usual form.
 * ONNX Runtime folds the Mul before its QDQ fusions (QLinearConv, QGemm) as well.
 */
final class BiasScales {

  private BiasScales() {}

  /**
   * {@code g} with every bias scale that equals, bit for bit, {@code x_scale · W_scale} of the op
   * reading the bias computed by a Mul of those two initializers (the scale initializer dropped
   * when nothing else reads it).
   */
  static Graph compact(Graph g) {
    Map<String, List<Node>> readers = readers(g);
    Map<String, Node> producer = new HashMap<>();
    g.nodes().forEach(n -> n.outputs().forEach(o -> producer.put(o, n)));
    Map<Node, Node> mulBefore = new HashMap<>();
    Set<String> replaced = new HashSet<>();
    for (Node dq : g.nodes()) {
      String s = dq.inputs().size() >= 2 ? dq.input(1) : "";
      if (!isDq(dq) || replaced.contains(s) || !type(g, dq.input(0), DataType.INT32) || !type(g, s, DataType.FLOAT)
          || !readOnlyAsScale(s, readers) || isGraphOutput(g, s)) {
        continue;
      }
      String[] factors = factors(g, producer, readers.getOrDefault(dq.output(0), List.of()), dq.output(0));
      if (factors != null && product(g, factors[0], factors[1]).map(p -> p.equals(g.initializer(s).get()))
          .orElse(false)) {
        mulBefore.put(dq, Node.builder("Mul").name(s).inputs(factors[0], factors[1]).outputs(s).build());
        replaced.add(s);
      }
    }
    if (replaced.isEmpty()) {
      return g;
    }
    List<Node> nodes = new ArrayList<>();
    Set<String> added = new HashSet<>();
    for (Node n : g.nodes()) {
      Node mul = mulBefore.get(n);
      if (mul != null && added.add(mul.output(0))) {
        nodes.add(mul);
      }
      nodes.add(n);
    }
    Graph.Builder b = g.toBuilder().nodes(nodes);
    replaced.forEach(b::removeInitializer);
    return b.build();
  }

  /**
   * {@code g} with every Mul of two float initializers whose result is read only as the scale of
   * DequantizeLinear nodes replaced by that result as an initializer.
   */
  static Graph expand(Graph g) {
    Map<String, List<Node>> readers = readers(g);
    List<Node> nodes = new ArrayList<>();
    Map<String, Tensor> folded = new HashMap<>();
    for (Node n : g.nodes()) {
      Optional<Tensor> p = n.opType().equals("Mul") && n.domain().isEmpty() && n.inputs().size() == 2
          && readOnlyAsScale(n.output(0), readers) && !isGraphOutput(g, n.output(0))
          ? product(g, n.input(0), n.input(1)) : Optional.empty();
      if (p.isPresent()) {
        folded.put(n.output(0), p.get());
      } else {
        nodes.add(n);
      }
    }
    if (folded.isEmpty()) {
      return g;
    }
    Graph.Builder b = g.toBuilder().nodes(nodes);
    folded.forEach(b::initializer);
    return b.build();
  }

  /**
   * The names of {@code x_scale} and {@code W_scale} when every reader of bias {@code b} is an op
   * reading it as input 2 whose input 0 and 1 are DequantizeLinear outputs with float initializer
   * scales, the same two for all of them; else null.
   */
  private static String[] factors(Graph g, Map<String, Node> producer, List<Node> ops, String b) {
    String[] found = null;
    for (Node op : ops) {
      if (op.inputs().size() < 3 || !op.input(2).equals(b) || op.inputs().indexOf(b) != 2) {
        return null;
      }
      Node dx = producer.get(op.input(0));
      Node dw = producer.get(op.input(1));
      if (dx == null || dw == null || !isDq(dx) || !isDq(dw) || dx.inputs().size() < 2 || dw.inputs().size() < 2
          || !type(g, dx.input(1), DataType.FLOAT) || !type(g, dw.input(1), DataType.FLOAT)) {
        return null;
      }
      String[] f = {dx.input(1), dw.input(1)};
      if (found != null && !(found[0].equals(f[0]) && found[1].equals(f[1]))) {
        return null;
      }
      found = f;
    }
    return found;
  }

  /** {@code a · b} of two float initializers, one a scalar or both the same shape, in float arithmetic. */
  private static Optional<Tensor> product(Graph g, String a, String b) {
    Optional<Tensor> ta = g.initializer(a);
    Optional<Tensor> tb = g.initializer(b);
    if (ta.isEmpty() || tb.isEmpty() || ta.get().type() != DataType.FLOAT || tb.get().type() != DataType.FLOAT) {
      return Optional.empty();
    }
    Tensor x = ta.get();
    Tensor y = tb.get();
    if (x.numElements() == 1 && x.rank() == 0) {
      Tensor t = x;
      x = y;
      y = t;
    }
    boolean scalar = y.numElements() == 1 && y.rank() == 0;
    if (!scalar && !Arrays.equals(x.dims(), y.dims())) {
      return Optional.empty();
    }
    float[] u = x.toFloatArray();
    float[] v = y.toFloatArray();
    float[] out = new float[u.length];
    for (int i = 0; i < u.length; i++) {
      out[i] = u[i] * v[scalar ? 0 : i];
    }
    return Optional.of(Tensor.ofFloats(x.dims(), out));
  }

  /** {@code v} is read, and only as input 1 (the scale) of DequantizeLinear nodes. */
  private static boolean readOnlyAsScale(String v, Map<String, List<Node>> readers) {
    List<Node> rs = readers.getOrDefault(v, List.of());
    for (Node r : rs) {
      if (!isDq(r) || r.inputs().indexOf(v) != 1 || r.inputs().lastIndexOf(v) != 1) {
        return false;
      }
    }
    return !rs.isEmpty();
  }

  private static boolean isDq(Node n) {
    return n.opType().equals("DequantizeLinear") && n.domain().isEmpty();
  }

  private static boolean type(Graph g, String v, DataType t) {
    return g.initializer(v).map(x -> x.type() == t).orElse(false);
  }

  private static boolean isGraphOutput(Graph g, String v) {
    return g.outputs().stream().anyMatch(o -> o.name().equals(v));
  }

  /** Value → the nodes reading it (once per node). */
  private static Map<String, List<Node>> readers(Graph g) {
    Map<String, List<Node>> r = new HashMap<>();
    for (Node n : g.nodes()) {
      for (String i : new HashSet<>(n.inputs())) {
        r.computeIfAbsent(i, k -> new ArrayList<>()).add(n);
      }
    }
    return r;
  }
}
