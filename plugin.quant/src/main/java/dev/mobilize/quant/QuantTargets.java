package dev.mobilize.quant;

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
import java.util.Set;

/**
 * Finds the ops of a graph that the QDQ form quantizes: Conv and FusedConv (all groups), Gemm and
 * FusedGemm (alpha = beta = 1, transA = 0, bias of N values or none), MatMul with a constant 2-D
 * second input, each with a constant float weight and a float data input.
 */
final class QuantTargets {

  private static final Set<String> FOLLOWING_ACTIVATIONS = Set.of("Relu", "Clip");

  private QuantTargets() {}

  static List<QuantTarget> find(Graph g) {
    Map<String, List<Node>> consumers = consumers(g);
    Set<String> outputs = new java.util.HashSet<>();
    g.outputs().forEach(o -> outputs.add(o.name()));
    List<QuantTarget> out = new ArrayList<>();
    for (Node n : g.nodes()) {
      target(g, n, consumers, outputs).ifPresent(out::add);
    }
    return out;
  }

  static Map<String, List<Node>> consumers(Graph g) {
    Map<String, List<Node>> m = new HashMap<>();
    for (Node n : g.nodes()) {
      for (String in : n.inputs()) {
        if (!in.isEmpty()) {
          List<Node> l = m.computeIfAbsent(in, k -> new ArrayList<>());
          if (!l.contains(n)) {
            l.add(n);
          }
        }
      }
    }
    return m;
  }

  private static Optional<QuantTarget> target(Graph g, Node n, Map<String, List<Node>> consumers, Set<String> outputs) {
    boolean mobilize = Node.MOBILIZE_DOMAIN.equals(n.domain());
    if (!n.domain().isEmpty() && !mobilize) {
      return Optional.empty();
    }
    String op = n.opType();
    boolean conv = mobilize ? op.equals(FusedOps.FUSED_CONV) : op.equals("Conv");
    boolean gemm = mobilize ? op.equals(FusedOps.FUSED_GEMM) : op.equals("Gemm");
    boolean matmul = !mobilize && op.equals("MatMul");
    if (!(conv || gemm || matmul) || n.inputs().size() < 2 || n.outputs().size() != 1) {
      return Optional.empty();
    }
    if (!isFloat(g, n.input(0))) {
      return Optional.empty();
    }
    Optional<Tensor> w = g.initializer(n.input(1));
    if (w.isEmpty() || w.get().type() != DataType.FLOAT) {
      return Optional.empty();
    }
    String bias = n.hasInput(2) ? n.input(2) : "";
    Optional<Tensor> b = bias.isEmpty() ? Optional.empty() : g.initializer(bias);
    if (!bias.isEmpty() && (b.isEmpty() || b.get().type() != DataType.FLOAT)) {
      return Optional.empty();
    }
    int axis;
    long channels;
    long[] wd = w.get().dims();
    if (conv) {
      if (wd.length < 3) {
        return Optional.empty();
      }
      axis = 0;
    } else if (gemm) {
      if (n.attributes().getFloat("alpha", 1f) != 1f || n.attributes().getFloat("beta", 1f) != 1f
          || n.attributes().getInt("transA", 0) != 0 || wd.length != 2) {
        return Optional.empty();
      }
      axis = n.attributes().getInt("transB", 0) == 1 ? 0 : 1;
    } else {
      if (wd.length != 2) {
        return Optional.empty();
      }
      axis = 1;
    }
    channels = wd[axis];
    if (b.isPresent() && (b.get().rank() != 1 || b.get().dims()[0] != channels)) {
      return Optional.empty();
    }
    String output = n.output(0);
    Node activation = null;
    List<Node> readers = consumers.getOrDefault(output, List.of());
    if (!mobilize && readers.size() == 1 && !outputs.contains(output)) {
      Node a = readers.get(0);
      if (a.domain().isEmpty() && FOLLOWING_ACTIVATIONS.contains(a.opType()) && a.input(0).equals(output)
          && constantInputs(g, a)) {
        activation = a;
        output = a.output(0);
      }
    }
    return Optional.of(new QuantTarget(n, n.input(0), n.input(1), bias, axis, output, activation));
  }

  private static boolean constantInputs(Graph g, Node a) {
    for (int i = 1; i < a.inputs().size(); i++) {
      if (a.hasInput(i) && g.initializer(a.input(i)).isEmpty()) {
        return false;
      }
    }
    return true;
  }

  private static boolean isFloat(Graph g, String value) {
    return g.info(value).map(v -> v.type() == DataType.FLOAT || v.type() == DataType.UNDEFINED).orElse(true);
  }
}
