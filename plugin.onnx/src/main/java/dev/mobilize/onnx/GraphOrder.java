package dev.mobilize.onnx;

import dev.mobilize.ir.Attribute;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.MobilizeException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Checks that a graph is well formed and puts its nodes in topological order: every value is
 * defined once, every node input is defined (by a graph input, an initializer, a node, or the
 * enclosing graph for subgraphs), there is no cycle, and every graph output is computed.
 */
final class GraphOrder {

  private GraphOrder() {}

  /**
   * The graph with nodes in a topological order (the file's order wherever it is already valid).
   *
   * @param outer values visible from enclosing graphs (empty for the main graph)
   * @throws MobilizeException INVALID_GRAPH naming the node and the value
   */
  static Graph sort(Graph g, Set<String> outer) {
    Set<String> available = new HashSet<>(outer);
    Map<String, Node> producers = new HashMap<>();
    for (ValueInfo v : g.inputs()) {
      if (!available.add(v.name()) && !outer.contains(v.name())) {
        throw new MobilizeException(ErrorCode.INVALID_GRAPH, "graph input '" + v.name() + "' is defined twice");
      }
    }
    for (String name : g.initializers().keySet()) {
      available.add(name); // an initializer may share its name with an input (IR < 4 defaults)
    }
    for (Node n : g.nodes()) {
      for (String o : n.outputs()) {
        if (o.isEmpty()) {
          continue;
        }
        if (available.contains(o) && !outer.contains(o) || producers.containsKey(o)) {
          throw MobilizeException.atNode(n, ErrorCode.INVALID_GRAPH,
              "output '" + o + "' is already defined elsewhere; every value must be defined once");
        }
        producers.put(o, n);
      }
    }
    // Kahn's algorithm over node indices, preferring file order.
    List<Node> nodes = g.nodes();
    int[] missing = new int[nodes.size()];
    Map<String, List<Integer>> waiting = new HashMap<>();
    PriorityQueue<Integer> queue = new PriorityQueue<>();
    for (int i = 0; i < nodes.size(); i++) {
      Node n = nodes.get(i);
      Set<String> needs = new HashSet<>();
      for (String in : inputsIncludingSubgraphs(n)) {
        if (in.isEmpty() || available.contains(in)) {
          continue;
        }
        if (!producers.containsKey(in)) {
          throw MobilizeException.atNode(n, ErrorCode.INVALID_GRAPH, "input '" + in
              + "' is not defined: no graph input, initializer or node produces it");
        }
        needs.add(in);
      }
      missing[i] = needs.size();
      for (String v : needs) {
        waiting.computeIfAbsent(v, k -> new ArrayList<>()).add(i);
      }
      if (missing[i] == 0) {
        queue.add(i);
      }
    }
    List<Node> sorted = new ArrayList<>(nodes.size());
    boolean inOrder = true;
    while (!queue.isEmpty()) {
      int i = queue.poll();
      if (i != sorted.size()) {
        inOrder = false;
      }
      Node n = nodes.get(i);
      sorted.add(n);
      for (String o : n.outputs()) {
        for (int j : waiting.getOrDefault(o, List.of())) {
          if (--missing[j] == 0) {
            queue.add(j);
          }
        }
      }
    }
    if (sorted.size() != nodes.size()) {
      for (int i = 0; i < nodes.size(); i++) {
        if (missing[i] > 0) {
          throw MobilizeException.atNode(nodes.get(i), ErrorCode.INVALID_GRAPH,
              "is part of a cycle: its inputs depend on its own outputs");
        }
      }
    }
    Set<String> defined = new HashSet<>(available);
    defined.addAll(producers.keySet());
    for (ValueInfo out : g.outputs()) {
      if (!defined.contains(out.name())) {
        throw new MobilizeException(ErrorCode.INVALID_GRAPH, "graph output '" + out.name()
            + "' is not computed by any node and is not an input or initializer");
      }
    }
    Graph result = inOrder ? g : g.toBuilder().nodes(sorted).build();
    return sortSubgraphs(result, defined);
  }


  /** A node's inputs plus the outer values its subgraphs read (they must exist before it runs). */
  private static Set<String> inputsIncludingSubgraphs(Node n) {
    Set<String> all = new HashSet<>(n.inputs());
    for (Attribute a : n.attributes().asMap().values()) {
      if (a instanceof Attribute.GraphValue gv) {
        all.addAll(freeValues(gv.value()));
      } else if (a instanceof Attribute.Graphs gs) {
        gs.values().forEach(sub -> all.addAll(freeValues(sub)));
      }
    }
    return all;
  }

  /** Values a subgraph reads but does not define itself. */
  static Set<String> freeValues(Graph g) {
    Set<String> defined = new HashSet<>(g.initializers().keySet());
    g.inputs().forEach(v -> defined.add(v.name()));
    Set<String> free = new HashSet<>();
    for (Node n : g.nodes()) {
      for (String in : inputsIncludingSubgraphs(n)) {
        if (!in.isEmpty() && !defined.contains(in)) {
          free.add(in);
        }
      }
      n.outputs().forEach(defined::add);
    }
    for (ValueInfo o : g.outputs()) {
      if (!defined.contains(o.name())) {
        free.add(o.name());
      }
    }
    return free;
  }

  private static Graph sortSubgraphs(Graph g, Set<String> scope) {
    boolean changed = false;
    List<Node> nodes = new ArrayList<>(g.nodes().size());
    for (Node n : g.nodes()) {
      Node m = n;
      for (Map.Entry<String, Attribute> e : n.attributes().asMap().entrySet()) {
        if (e.getValue() instanceof Attribute.GraphValue gv) {
          Graph sub;
          try {
            sub = sort(gv.value(), scope);
          } catch (MobilizeException ex) {
            throw MobilizeException.atNode(n, ex.code(), "in subgraph '" + e.getKey() + "': " + ex.getMessage());
          }
          if (sub != gv.value()) {
            m = m.toBuilder().attributes(m.attributes().toBuilder().set(e.getKey(), sub).build()).build();
            changed = true;
          }
        }
      }
      nodes.add(m);
    }
    return changed ? g.toBuilder().nodes(nodes).build() : g;
  }
}
