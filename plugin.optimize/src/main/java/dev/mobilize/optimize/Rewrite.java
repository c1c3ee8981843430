package dev.mobilize.optimize;

import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The change one rule application makes: nodes removed or replaced (the new nodes take the old
 * node's place in the order), constants added, and uses of values redirected. Built by a rule,
 * applied by the driver; the graph it came from is not changed.
 */
final class Rewrite {

  private final Set<Node> removed = Collections.newSetFromMap(new IdentityHashMap<>());
  private final Map<Node, List<Node>> replaced = new IdentityHashMap<>();
  private final Map<String, Tensor> constants = new LinkedHashMap<>();
  private final Map<String, String> redirected = new LinkedHashMap<>();

  /** Removes nodes. */
  Rewrite remove(Node... nodes) {
    Collections.addAll(removed, nodes);
    return this;
  }

  /** Puts {@code replacements} where {@code old} was. */
  Rewrite replace(Node old, Node... replacements) {
    replaced.put(old, List.of(replacements));
    return this;
  }

  /** Adds a constant (initializer). */
  Rewrite constant(String name, Tensor value) {
    constants.put(name, value);
    return this;
  }

  /**
   * Every reader of {@code from} reads {@code to} instead. When {@code from} is a graph output, the
   * value {@code to} takes its name instead (check {@link GraphView#canReplace} first).
   */
  Rewrite redirect(String from, String to) {
    redirected.put(from, to);
    return this;
  }

  Graph applyTo(Graph g) {
    List<Node> nodes = new ArrayList<>();
    for (Node n : g.nodes()) {
      if (removed.contains(n)) {
        continue;
      }
      List<Node> r = replaced.get(n);
      if (r != null) {
        nodes.addAll(r);
      } else {
        nodes.add(n);
      }
    }
    Set<String> outputs = new HashSet<>();
    g.outputs().forEach(v -> outputs.add(v.name()));
    for (Map.Entry<String, String> e : redirected.entrySet()) {
      String from = e.getKey();
      String to = e.getValue();
      if (outputs.contains(from)) {
        // the output keeps its name: the value that replaces it is renamed
        rename(nodes, to, from, true);
      } else {
        rename(nodes, from, to, false);
      }
    }
    Graph.Builder b = g.toBuilder().nodes(nodes);
    constants.forEach(b::initializer);
    return pruneValueInfo(b.build());
  }

  private static void rename(List<Node> nodes, String from, String to, boolean definitions) {
    for (int i = 0; i < nodes.size(); i++) {
      Node n = nodes.get(i);
      boolean touched = false;
      Node.Builder nb = n.toBuilder();
      for (int k = 0; k < n.inputs().size(); k++) {
        if (n.input(k).equals(from)) {
          nb.input(k, to);
          touched = true;
        }
      }
      if (definitions && n.outputs().contains(from)) {
        List<String> outs = new ArrayList<>(n.outputs());
        outs.replaceAll(o -> o.equals(from) ? to : o);
        nb.outputs(outs);
        touched = true;
      }
      if (touched) {
        nodes.set(i, nb.build());
      }
    }
  }

  /** Drops type information of values that no longer exist. */
  static Graph pruneValueInfo(Graph g) {
    Set<String> live = new HashSet<>();
    for (Node n : g.nodes()) {
      live.addAll(n.outputs());
    }
    Graph.Builder b = null;
    for (ValueInfo v : g.valueInfo().values()) {
      if (!live.contains(v.name())) {
        if (b == null) {
          b = g.toBuilder();
        }
        b.removeValueInfo(v.name());
      }
    }
    return b == null ? g : b.build();
  }
}
