package dev.mobilize.optimize;

import dev.mobilize.ir.Node;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What a rule looks for: a node of one of some op types (default ONNX domain), whose inputs are
 * produced by nodes matching sub-patterns. Matching has no side effects beyond filling the
 * captures of one attempt.
 *
 * <p>Example: {@code op("BatchNormalization").input(0, op("Conv", "ConvTranspose").singleUse().as("conv"))}.
 */
final class Pattern {

  private final Set<String> ops;
  private final Map<Integer, Pattern> inputs = new LinkedHashMap<>();
  private boolean singleUse;
  private boolean commutative;
  private String label;

  private Pattern(String... ops) {
    this.ops = Set.of(ops);
    this.label = ops[0];
  }

  /** A node of one of these op types (ONNX domain). */
  static Pattern op(String... ops) {
    return new Pattern(ops);
  }

  /** Input {@code i} must be produced by a node matching {@code p}. */
  Pattern input(int i, Pattern p) {
    inputs.put(i, p);
    return this;
  }

  /** The node's first output has exactly one reader and is not a graph output. */
  Pattern singleUse() {
    this.singleUse = true;
    return this;
  }

  /** Inputs 0 and 1 may be given either way round (Add, Mul). */
  Pattern commutative() {
    this.commutative = true;
    return this;
  }

  /** The name under which the matched node is captured (default: its op type). */
  Pattern as(String name) {
    this.label = name;
    return this;
  }

  Set<String> ops() {
    return ops;
  }

  /** Matches {@code n}, capturing nodes by label into {@code captures}. */
  boolean match(Node n, GraphView view, Map<String, Node> captures) {
    if (n == null || !n.domain().isEmpty() || !ops.contains(n.opType())) {
      return false;
    }
    if (singleUse && (n.outputs().isEmpty() || view.uses(n.output(0)) != 1)) {
      return false;
    }
    if (matchInputs(n, view, captures, false)) {
      captures.put(label, n);
      return true;
    }
    if (commutative && n.inputs().size() == 2 && matchInputs(n, view, captures, true)) {
      captures.put(label, n);
      captures.put(label + ".swapped", n);
      return true;
    }
    return false;
  }

  private boolean matchInputs(Node n, GraphView view, Map<String, Node> captures, boolean swapped) {
    Map<String, Node> trial = new LinkedHashMap<>();
    for (Map.Entry<Integer, Pattern> e : inputs.entrySet()) {
      int i = e.getKey();
      if (swapped && i < 2) {
        i = 1 - i;
      }
      Node p = view.producer(n.input(i)).orElse(null);
      if (!e.getValue().match(p, view, trial)) {
        return false;
      }
    }
    captures.putAll(trial);
    return true;
  }

  @Override
  public String toString() {
    return ops.size() == 1 ? ops.iterator().next() : Arrays.toString(ops.toArray());
  }
}
