package dev.mobilize.onnx.shape;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Dim;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.MobilizeException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One inference run: walks a graph's nodes in order, applies the rule of each node's op, and
 * records what it infers. Subgraphs (If, Loop, Scan bodies) are walked by the same run so that fresh
 * symbol names stay unique.
 */
final class GraphInference {

  private final SymbolNames symbols;

  GraphInference(SymbolNames symbols) {
    this.symbols = symbols;
  }

  Graph infer(Graph graph, Scope outer) {
    symbols.reserve(graph);
    Scope scope = new Scope(outer);
    Map<String, ValueInfo> declared = new HashMap<>(graph.valueInfo());
    for (ValueInfo o : graph.outputs()) {
      if (o.type() != DataType.UNDEFINED || o.shape().hasRank()) {
        declared.put(o.name(), o);
      }
    }
    Set<String> inputNames = new HashSet<>();
    for (ValueInfo in : graph.inputs()) {
      scope.put(in);
      inputNames.add(in.name());
    }
    graph.initializers().forEach((name, t) -> {
      if (!inputNames.contains(name)) {
        scope.put(new ValueInfo(name, t.type(), t.shape()));
        scope.putConstant(name, t);
      }
    });

    List<Node> nodes = new ArrayList<>();
    Map<String, ValueInfo> produced = new LinkedHashMap<>();
    for (Node node : graph.nodes()) {
      NodeContext ctx = new NodeContext(node, scope, symbols, this);
      ShapeRule rule = ShapeRules.find(node);
      if (rule != null) {
        apply(rule, ctx);
      }
      nodes.add(ctx.rewrittenNode());
      for (int i = 0; i < node.outputs().size(); i++) {
        String name = node.output(i);
        if (name.isEmpty()) {
          continue;
        }
        ValueInfo v = merge(node, declared.get(name), ctx.inferred(i));
        scope.put(v);
        produced.put(name, v);
        if (ctx.inferredConstant(i) != null) {
          scope.putConstant(name, ctx.inferredConstant(i));
        }
        if (ctx.inferredValue(i) != null) {
          scope.putValue(name, ctx.inferredValue(i));
        }
      }
    }

    Graph.Builder b = graph.toBuilder().nodes(nodes);
    List<ValueInfo> outputs = new ArrayList<>();
    for (ValueInfo o : graph.outputs()) {
      ValueInfo known = produced.get(o.name());
      if (known == null && o.type() == DataType.UNDEFINED) {
        known = scope.info(o.name()).map(v -> v.withName(o.name())).orElse(o);
      }
      outputs.add(known != null ? known : o);
    }
    b.outputs(outputs);
    Set<String> outputNames = new HashSet<>();
    outputs.forEach(o -> outputNames.add(o.name()));
    produced.forEach((name, v) -> {
      if (!outputNames.contains(name)) {
        b.valueInfo(v);
      }
    });
    return b.build();
  }

  /** Infers a body graph whose inputs get {@code inputs} where the body leaves them unknown. */
  Graph inferSubgraph(Graph body, List<ValueInfo> inputs, Scope outer) {
    List<ValueInfo> merged = new ArrayList<>();
    for (int i = 0; i < body.inputs().size(); i++) {
      ValueInfo declaredInput = body.inputs().get(i);
      ValueInfo given = i < inputs.size() ? inputs.get(i) : null;
      if (given == null) {
        merged.add(declaredInput);
        continue;
      }
      DataType type = declaredInput.type() != DataType.UNDEFINED ? declaredInput.type() : given.type();
      Shape shape = declaredInput.shape().hasRank() ? declaredInput.shape() : given.shape();
      merged.add(new ValueInfo(declaredInput.name(), type, shape));
    }
    return infer(body.toBuilder().inputs(merged).build(), outer);
  }

  private static void apply(ShapeRule rule, NodeContext ctx) {
    Node node = ctx.node();
    try {
      rule.infer(ctx);
    } catch (MobilizeException e) {
      throw e;
    } catch (ArithmeticException e) {
      throw MobilizeException.atNode(node, ErrorCode.LIMIT_EXCEEDED,
          "a dimension computation overflows a 64-bit integer (" + e.getMessage() + "); expected sizes below 2^63");
    } catch (IllegalArgumentException e) {
      throw MobilizeException.atNode(node, ErrorCode.INVALID_GRAPH, e.getMessage());
    } catch (IndexOutOfBoundsException | NullPointerException | IllegalStateException e) {
      throw new MobilizeException(ErrorCode.INVALID_GRAPH,
          "node " + node.describe() + ": cannot infer shapes from " + node + ": " + e, e);
    }
  }

  /**
   * What a file declares about a value, merged with what was inferred: a fixed size beats a symbol,
   * the file's symbol names beat generated ones, and two different fixed sizes are a contradiction.
   */
  static ValueInfo merge(Node node, ValueInfo declared, ValueInfo inferred) {
    if (declared == null) {
      return inferred;
    }
    DataType type = inferred.type();
    if (type == DataType.UNDEFINED) {
      type = declared.type();
    } else if (declared.type() != DataType.UNDEFINED && declared.type() != type) {
      throw MobilizeException.atNode(node, ErrorCode.SHAPE_MISMATCH, "output '" + inferred.name()
          + "' is declared " + declared.typeString() + ", found " + inferred.typeString() + " by inference");
    }
    Shape d = declared.shape();
    Shape s = inferred.shape();
    if (!d.hasRank()) {
      return new ValueInfo(inferred.name(), type, s);
    }
    if (!s.hasRank()) {
      return new ValueInfo(inferred.name(), type, d);
    }
    if (d.rank() != s.rank()) {
      throw MobilizeException.atNode(node, ErrorCode.SHAPE_MISMATCH, "output '" + inferred.name()
          + "' is declared " + d + " (rank " + d.rank() + "), found " + s + " (rank " + s.rank() + ") by inference");
    }
    List<Dim> dims = new ArrayList<>();
    for (int i = 0; i < d.rank(); i++) {
      Dim a = d.dim(i);
      Dim b = s.dim(i);
      if (a.isFixed() && b.isFixed() && a.value() != b.value()) {
        throw MobilizeException.atNode(node, ErrorCode.SHAPE_MISMATCH, "output '" + inferred.name()
            + "' is declared " + d + ", found " + s + " by inference: dimension " + i + " differs");
      }
      dims.add(b.isFixed() ? b : a);
    }
    return new ValueInfo(inferred.name(), type, Shape.of(dims));
  }
}
