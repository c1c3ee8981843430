package dev.mobilize.cpu;

import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Node;
import dev.mobilize.qdq.QdqConstant;
import dev.mobilize.qdq.QdqMatcher;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Prepare-time rewrite, after {@link FuseQdqForCpu}: each {@code DequantizeLinear} whose inputs are all
 * initializers (the weight or bias of an op that stays float in a quantized graph, such as a last
 * convolution that feeds a pooling with no quantized output) becomes the float initializer it computes,
 * {@code (q - zp) · scale} in float32 as the kernel would. The float op then reads a constant weight, so
 * {@link FuseForCpu} fuses it with its activation and the kernels pack it once; before, the weight was
 * folded only inside the program, too late for either.
 */
final class FoldDequantizedConstants {

  private FoldDequantizedConstants() {}

  static Graph apply(Graph g) {
    Map<String, QdqConstant> constants = QdqMatcher.of(g).constants();
    if (constants.isEmpty()) {
      return g;
    }
    Set<String> outputs = new HashSet<>();
    g.outputs().forEach(v -> outputs.add(v.name()));
    Graph.Builder b = g.toBuilder();
    List<Node> kept = new ArrayList<>();
    boolean changed = false;
    for (Node n : g.nodes()) {
      QdqConstant c = n.outputs().size() == 1 ? constants.get(n.output(0)) : null;
      if (c != null && c.dequantize() == n && !outputs.contains(n.output(0))) {
        b.initializer(n.output(0), c.dequantized());
        changed = true;
      } else {
        kept.add(n);
      }
    }
    return changed ? b.nodes(kept).build() : g;
  }
}
