package dev.mobilize.onnx.shape;

import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.ValueInfo;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Static type and shape inference with ONNX semantics (latest opset). Returns a new graph in which
 * every node output has a {@link ValueInfo} (graph outputs get theirs filled in, intermediates are
 * listed in {@link Graph#valueInfo()}), known wherever the inputs allow it.
 *
 * <ul>
 *   <li>Symbolic dimensions keep their names; a size that depends on data or on an unknown value
 *       gets a fresh name such as {@code unk_0} or {@code nonzero_count_3}, never -1.
 *   <li>Small integer tensors known at inference time (initializers, Constant, Shape of a known
 *       shape, then Gather, Slice, Concat, Unsqueeze, arithmetic, ...) are propagated, so that
 *       PyTorch's {@code Shape → Gather → Unsqueeze → Concat → Reshape} chains give static shapes.
 *   <li>Unknown ops (and {@code mobilize} ops without a rule) leave their outputs unknown.
 * </ul>
 *
 * <p>Example:
 * <pre>{@code
 * Graph typed = new ShapeInference().infer(graph);
 * typed.info("conv1_out").orElseThrow().shape();   // [1,16,56,56]
 * }</pre>
 *
 * @throws dev.mobilize.service.MobilizeException (from each method) with {@code SHAPE_MISMATCH}
 *     when shapes contradict each other, {@code LIMIT_EXCEEDED} when a size overflows, naming the node
 */
public final class ShapeInference {

  /** Infers a main graph. */
  public Graph infer(Graph graph) {
    return infer(graph, List.of());
  }

  /**
   * Infers a subgraph that reads values of an enclosing graph.
   *
   * @param outerScope the types and shapes of the outer values the graph may read
   */
  public Graph infer(Graph graph, Collection<ValueInfo> outerScope) {
    SymbolNames symbols = new SymbolNames();
    symbols.reserve(outerScope);
    Map<String, ValueInfo> outer = outerScope.stream()
        .collect(Collectors.toMap(ValueInfo::name, v -> v, (a, b) -> b));
    return new GraphInference(symbols).infer(graph, Scope.of(outer));
  }

  /** The same model with its main graph inferred. */
  public Model infer(Model model) {
    return model.withGraph(infer(model.graph()));
  }
}
