package dev.mobilize.service;

import dev.mobilize.ir.Dim;
import dev.mobilize.ir.FusedOps;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
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
 * What an exporter does before it writes a model whose format needs static shapes and constant
 * weights: fix the input shapes, infer every shape (fused {@code mobilize} ops seen as the ONNX ops
 * they fuse), and fold what is constant — Shape of a static value, and ops whose inputs are all
 * constants, computed by the executor's kernels (never a second copy of op semantics).
 *
 * <p>Example:
 * <pre>{@code
 * ConstantFolder folder = new ConstantFolder(inspector, executor);
 * Model m = folder.fold(folder.inferShapes(ConstantFolder.withInputShapes(model, Map.of("x", new long[] {1, 3, 224, 224}))));
 * }</pre>
 */
public final class ConstantFolder {

  private final ModelInspector inspector;
  private final GraphExecutor executor;

  /**
   * @param inspector infers shapes (ONNX operators)
   * @param executor computes folded values, or null: then only Shape of static values is folded
   */
  public ConstantFolder(ModelInspector inspector, GraphExecutor executor) {
    this.inspector = inspector;
    this.executor = executor;
  }

  /**
   * Inputs with the {@code given} shapes, and a symbolic first dimension of the others set to 1.
   *
   * @throws MobilizeException (INVALID_ARGUMENT) if {@code given} names a value that is no input
   */
  public static Model withInputShapes(Model model, Map<String, long[]> given) {
    Graph g = model.graph();
    List<ValueInfo> inputs = new ArrayList<>();
    for (ValueInfo in : g.inputs()) {
      Shape s = in.shape();
      if (given.containsKey(in.name())) {
        s = Shape.of(given.get(in.name()));
      } else if (s.hasRank() && s.rank() > 0 && !s.dim(0).isFixed()) {
        List<Dim> d = new ArrayList<>(s.dimList());
        d.set(0, Dim.of(1));
        s = Shape.of(d);
      }
      inputs.add(in.withShape(s));
    }
    for (String name : given.keySet()) {
      if (inputs.stream().noneMatch(i -> i.name().equals(name))) {
        throw new MobilizeException(ErrorCode.INVALID_ARGUMENT, "input-shape names '" + name
            + "', which is not an input; inputs are " + inputs.stream().map(ValueInfo::name).toList());
      }
    }
    return model.withGraph(g.toBuilder().inputs(inputs).build());
  }

  /** Shape inference, with fused ops seen as their base ops (the inspector knows ONNX ops only). */
  public Model inferShapes(Model model) {
    Graph g = model.graph();
    Graph plain = g.toBuilder().nodes(g.nodes().stream().map(FusedOps::withoutActivation).toList()).build();
    Graph typed = inspector.inferShapes(model.withGraph(plain)).graph();
    return model.withGraph(g.toBuilder().inputs(typed.inputs()).outputs(typed.outputs())
        .valueInfos(typed.valueInfo()).build());
  }

  /**
   * Shape of a static value and ops whose inputs are all constants become initializers; constants
   * no node reads any more are dropped, and shapes are inferred again. Graph outputs stay computed.
   * Shapes must have been inferred.
   */
  public Model fold(Model model) {
    Graph g = model.graph();
    Graph.Builder b = g.toBuilder().nodes(List.of());
    Map<String, Tensor> consts = new HashMap<>(g.initializers());
    Set<String> outputs = new HashSet<>();
    g.outputs().forEach(o -> outputs.add(o.name()));
    boolean changed = false;
    for (Node n : g.nodes()) {
      boolean isOutput = n.outputs().stream().anyMatch(outputs::contains);
      List<Tensor> folded = isOutput ? null : evaluate(n, g, consts, model.opsets());
      if (folded == null) {
        b.node(n);
        continue;
      }
      for (int i = 0; i < folded.size(); i++) {
        consts.put(n.output(i), folded.get(i));
        b.initializer(n.output(i), folded.get(i));
      }
      changed = true;
    }
    if (!changed) {
      return model;
    }
    Graph f = b.build();
    Set<String> read = new HashSet<>(outputs);
    f.nodes().forEach(n -> read.addAll(n.inputs()));
    Map<String, Tensor> kept = new LinkedHashMap<>();
    f.initializers().forEach((k, v) -> {
      if (read.contains(k)) {
        kept.put(k, v);
      }
    });
    return inferShapes(model.withGraph(f.toBuilder().initializers(kept).build()));
  }

  /** The node's outputs if they are constant, else null. */
  private List<Tensor> evaluate(Node n, Graph g, Map<String, Tensor> consts, Map<String, Long> opsets) {
    if (n.opType().equals("Shape") && n.domain().isEmpty() && n.attributes().isEmpty()) {
      long[] d = g.info(n.input(0)).flatMap(v -> v.shape().staticDims()).orElse(null);
      return d == null ? null : List.of(Tensor.vector(d));
    }
    if (executor == null || !n.domain().isEmpty()) {
      return null;
    }
    Graph.Builder one = Graph.builder("fold");
    for (String in : n.inputs()) {
      if (in.isEmpty()) {
        continue;
      }
      Tensor t = consts.get(in);
      if (t == null) {
        return null;
      }
      one.initializer(in, t);
    }
    one.node(n);
    for (String o : n.outputs()) {
      one.output(ValueInfo.unknown(o));
    }
    Model m = inspector.inferShapes(Model.of(one.build(), opsets));
    try (PreparedModel p = executor.prepare(m, Options.NONE)) {
      Map<String, Tensor> r = p.run(Map.of());
      List<Tensor> out = new ArrayList<>();
      for (String o : n.outputs()) {
        out.add(r.get(o));
      }
      return out;
    } catch (MobilizeException e) {
      return null;
    }
  }
}
