package dev.mobilize.optimize;

import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/** One place where a rule's pattern matched: the root node, the captured nodes, and the graph. */
final class Match {

  private final GraphView view;
  private final Node root;
  private final Map<String, Node> captures;
  private final Collection<String> rejections;

  Match(GraphView view, Node root, Map<String, Node> captures, Collection<String> rejections) {
    this.view = view;
    this.root = root;
    this.captures = captures;
    this.rejections = rejections;
  }

  GraphView view() {
    return view;
  }

  /** The node the pattern's outermost op matched. */
  Node root() {
    return root;
  }

  /** The node captured under {@code label}. */
  Node node(String label) {
    Node n = captures.get(label);
    if (n == null) {
      throw new IllegalStateException("pattern captured no node '" + label + "'; captured " + captures.keySet());
    }
    return n;
  }

  /** Whether a commutative node under {@code label} matched with inputs 0 and 1 swapped. */
  boolean swapped(String label) {
    return captures.containsKey(label + ".swapped");
  }

  Optional<Tensor> constant(String value) {
    return view.constant(value);
  }

  /** Records why the rule does not apply here and returns empty. */
  <T> Optional<T> reject(String why) {
    rejections.add(root.describe() + ": " + why);
    return Optional.empty();
  }
}
