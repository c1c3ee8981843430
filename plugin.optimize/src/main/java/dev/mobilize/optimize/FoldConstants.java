package dev.mobilize.optimize;

import dev.mobilize.ir.Attribute;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.GraphExecutor;
import dev.mobilize.service.GraphPass;
import dev.mobilize.service.MobilizeException;
import dev.mobilize.service.Options;
import dev.mobilize.service.PassContext;
import dev.mobilize.service.PreparedModel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Computes every node whose inputs are all constants, once, and replaces it by its result. The
 * nodes run in the {@link GraphExecutor} (the CPU kernels): this pass keeps no copy of any
 * operator's semantics. Not folded: random ops, quantization ops (the QDQ form must stay for the
 * int8 exporters), nodes with subgraphs or in the mobilize domain, and results that would be much
 * bigger than their inputs (ConstantOfShape, Expand, Tile of more than 1M elements).
 */
final class FoldConstants implements GraphPass {

  private static final Set<String> KEEP = Set.of("QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear",
      "RandomNormal", "RandomNormalLike", "RandomUniform", "RandomUniformLike", "Multinomial", "Bernoulli");

  private static final long MAX_GROWTH_ELEMENTS = 1 << 20;

  private final GraphExecutor executor;

  FoldConstants(GraphExecutor executor) {
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  @Override
  public String name() {
    return "FoldConstants";
  }

  @Override
  public String description() {
    return "computes nodes whose inputs are all constant, in the runtime";
  }

  @Override
  public PassResult apply(Model model, PassContext context) {
    Graph g = model.graph();
    GraphView view = new GraphView(g);
    Set<String> constant = new HashSet<>(g.initializers().keySet());
    g.inputs().forEach(v -> constant.remove(v.name()));
    List<Node> folded = new ArrayList<>();
    Set<Node> foldedSet = new HashSet<>();
    Set<String> producedHere = new HashSet<>();
    for (Node n : g.nodes()) {
      if (!foldable(n, constant, view)) {
        continue;
      }
      folded.add(n);
      foldedSet.add(n);
      for (String o : n.outputs()) {
        if (!o.isEmpty()) {
          constant.add(o);
          producedHere.add(o);
        }
      }
    }
    if (folded.isEmpty()) {
      return new PassResult(model, 0);
    }
    // The results that the rest of the graph reads.
    List<String> wanted = new ArrayList<>();
    for (Node n : folded) {
      for (String o : n.outputs()) {
        if (!o.isEmpty() && view.consumers(o).stream().anyMatch(c -> !foldedSet.contains(c))) {
          wanted.add(o);
        }
      }
    }
    Map<String, Tensor> results = wanted.isEmpty() ? Map.of() : evaluate(model, folded, wanted);
    Graph.Builder b = g.toBuilder();
    List<Node> kept = new ArrayList<>();
    for (Node n : g.nodes()) {
      if (!foldedSet.contains(n)) {
        kept.add(n);
      }
    }
    b.nodes(kept);
    results.forEach(b::initializer);
    return new PassResult(model.withGraph(Rewrite.pruneValueInfo(b.build())), folded.size());
  }

  private static boolean foldable(Node n, Set<String> constant, GraphView view) {
    if (!n.domain().isEmpty() || KEEP.contains(n.opType()) || n.outputs().isEmpty()) {
      return false;
    }
    for (Attribute a : n.attributes().asMap().values()) {
      if (a instanceof Attribute.GraphValue || a instanceof Attribute.Graphs) {
        return false;
      }
    }
    long inputElements = 0;
    for (String in : n.inputs()) {
      if (!in.isEmpty() && !constant.contains(in)) {
        return false;
      }
      if (!in.isEmpty()) {
        inputElements += view.shape(in).filter(Shape::isStatic).map(Shape::numElements).orElse(0L);
      }
    }
    for (String o : n.outputs()) {
      if (o.isEmpty()) {
        continue;
      }
      if (view.isGraphOutput(o)) {
        return false;
      }
      long size = view.shape(o).filter(Shape::isStatic).map(Shape::numElements).orElse(-1L);
      if (size > MAX_GROWTH_ELEMENTS && size > 4 * inputElements) {
        return false;
      }
    }
    return true;
  }

  /** Runs the folded nodes as one small model in the executor and returns the wanted values. */
  private Map<String, Tensor> evaluate(Model model, List<Node> nodes, List<String> wanted) {
    Graph g = model.graph();
    Set<String> read = new HashSet<>();
    nodes.forEach(n -> read.addAll(n.inputs()));
    Graph.Builder sub = Graph.builder(g.name() + "_constants");
    for (Map.Entry<String, Tensor> e : g.initializers().entrySet()) {
      if (read.contains(e.getKey())) {
        sub.initializer(e.getKey(), e.getValue());
      }
    }
    nodes.forEach(sub::node);
    for (String w : wanted) {
      sub.output(g.info(w).orElse(new ValueInfo(w, DataType.UNDEFINED, Shape.UNKNOWN)));
    }
    Map<String, Tensor> out;
    try (PreparedModel p = executor.prepare(model.withGraph(sub.build()), Options.of(Map.of("threads", "1")))) {
      out = p.run(Map.of());
    } catch (MobilizeException e) {
      throw new MobilizeException(e.code(), "constant folding could not run " + nodes.size()
          + " constant node(s) in the " + executor.name() + " executor: " + e.getMessage(), e);
    }
    return new LinkedHashMap<>(out);
  }
}
