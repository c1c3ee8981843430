package dev.mobilize.optimize;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.service.GraphPass;
import dev.mobilize.service.PassContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Replaces a node that repeats an earlier one (same domain, op, inputs and attributes) by the earlier
 * node's outputs. Random ops and nodes with subgraphs are never merged.
 */
final class EliminateCommonSubexpressions implements GraphPass {

  private static final Set<String> NONDETERMINISTIC =
      Set.of("RandomNormal", "RandomNormalLike", "RandomUniform", "RandomUniformLike", "Multinomial", "Bernoulli");

  @Override
  public String name() {
    return "EliminateCommonSubexpressions";
  }

  @Override
  public String description() {
    return "computes repeated identical nodes once";
  }

  private record Key(String domain, String op, List<String> inputs, Attributes attributes, int outputs) {}

  @Override
  public PassResult apply(Model model, PassContext context) {
    Graph g = model.graph();
    GraphView view = new GraphView(g);
    if (view.hasSubgraphs()) {
      return new PassResult(model, 0);
    }
    Set<String> outputs = new HashSet<>();
    g.outputs().forEach(v -> outputs.add(v.name()));
    Map<String, String> renamed = new HashMap<>();
    Map<Key, Node> seen = new HashMap<>();
    List<Node> kept = new ArrayList<>();
    int count = 0;
    for (Node n : g.nodes()) {
      Node.Builder nb = n.toBuilder();
      boolean touched = false;
      for (int i = 0; i < n.inputs().size(); i++) {
        String to = renamed.get(n.input(i));
        if (to != null) {
          nb.input(i, to);
          touched = true;
        }
      }
      Node cur = touched ? nb.build() : n;
      if (NONDETERMINISTIC.contains(cur.opType()) || cur.outputs().isEmpty()
          || cur.outputs().stream().anyMatch(outputs::contains)) {
        kept.add(cur);
        continue;
      }
      Key k = new Key(cur.domain(), cur.opType(), cur.inputs(), cur.attributes(), cur.outputs().size());
      Node first = seen.get(k);
      if (first == null) {
        seen.put(k, cur);
        kept.add(cur);
      } else {
        for (int i = 0; i < cur.outputs().size(); i++) {
          renamed.put(cur.output(i), first.output(i));
        }
        count++;
      }
    }
    if (count == 0) {
      return new PassResult(model, 0);
    }
    return new PassResult(model.withGraph(Rewrite.pruneValueInfo(g.toBuilder().nodes(kept).build())), count);
  }
}
