package dev.mobilize.ncnn;

import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.ValueInfo;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Small graph edits the lowering passes share: bypassing a node and removing dead nodes. */
final class GraphEdits {

  private GraphEdits() {}

  /** Renames every use of value {@code from} (node inputs and graph outputs) to {@code to}. */
  static List<Node> renameUses(List<Node> nodes, String from, String to) {
    List<Node> out = new ArrayList<>(nodes.size());
    for (Node n : nodes) {
      if (n.inputs().contains(from)) {
        Node.Builder b = n.toBuilder();
        for (int i = 0; i < n.inputs().size(); i++) {
          if (n.input(i).equals(from)) {
            b.input(i, to);
          }
        }
        out.add(b.build());
      } else {
        out.add(n);
      }
    }
    return out;
  }

  /**
   * Removes {@code node} (one input x, one output y, y = x) from the graph: uses of y read x, or,
   * when y is a graph output, x's producer writes y instead.
   */
  static Graph bypass(Graph g, Node node) {
    String x = node.input(0);
    String y = node.output(0);
    List<Node> nodes = new ArrayList<>(g.nodes());
    nodes.remove(node);
    boolean yIsOutput = g.outputs().stream().anyMatch(o -> o.name().equals(y));
    boolean xIsFree = g.producer(x).isPresent() && g.outputs().stream().noneMatch(o -> o.name().equals(x));
    Graph.Builder b = g.toBuilder();
    if (yIsOutput && xIsFree) {
      // the producer of x writes y; every other use of x reads y
      List<Node> renamed = new ArrayList<>();
      for (Node n : nodes) {
        Node m = n;
        if (n.outputs().contains(x)) {
          List<String> outs = new ArrayList<>(n.outputs());
          outs.set(outs.indexOf(x), y);
          m = n.toBuilder().outputs(outs).build();
        }
        renamed.add(m);
      }
      nodes = renameUses(renamed, x, y);
      b.removeValueInfo(x);
    } else if (yIsOutput) {
      return g;
    } else {
      nodes = renameUses(nodes, y, x);
      b.removeValueInfo(y);
    }
    return b.nodes(nodes).build();
  }

  /** Removes nodes whose outputs no graph output needs, and initializers nothing reads. */
  static Graph removeDead(Graph g) {
    Set<String> live = new HashSet<>();
    Deque<String> work = new ArrayDeque<>();
    for (ValueInfo o : g.outputs()) {
      work.add(o.name());
    }
    Set<Node> keep = new HashSet<>();
    while (!work.isEmpty()) {
      String v = work.pop();
      if (!live.add(v)) {
        continue;
      }
      g.producer(v).ifPresent(n -> {
        if (keep.add(n)) {
          for (String in : n.inputs()) {
            if (!in.isEmpty()) {
              work.add(in);
            }
          }
        }
      });
    }
    List<Node> nodes = g.nodes().stream().filter(keep::contains).toList();
    Graph.Builder b = g.toBuilder().nodes(nodes);
    for (Map.Entry<String, ?> e : g.initializers().entrySet()) {
      if (!live.contains(e.getKey())) {
        b.removeInitializer(e.getKey());
      }
    }
    return b.build();
  }
}
