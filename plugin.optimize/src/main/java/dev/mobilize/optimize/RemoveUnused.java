package dev.mobilize.optimize;

import dev.mobilize.ir.Attribute;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.GraphPass;
import dev.mobilize.service.PassContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Removes nodes none of whose outputs is read (walking back from the graph outputs) and
 * initializers nothing reads. Values read inside subgraphs count as read.
 */
final class RemoveUnused implements GraphPass {

  @Override
  public String name() {
    return "RemoveUnused";
  }

  @Override
  public String description() {
    return "removes nodes and initializers whose values nothing reads";
  }

  @Override
  public PassResult apply(Model model, PassContext context) {
    Graph g = model.graph();
    Set<String> live = new HashSet<>();
    g.outputs().forEach(v -> live.add(v.name()));
    List<Node> kept = new ArrayList<>();
    int removed = 0;
    for (int i = g.nodes().size() - 1; i >= 0; i--) {
      Node n = g.nodes().get(i);
      boolean used = n.outputs().stream().anyMatch(live::contains);
      if (!used) {
        removed++;
        continue;
      }
      kept.add(n);
      for (String in : n.inputs()) {
        live.add(in);
      }
      for (Attribute a : n.attributes().asMap().values()) {
        if (a instanceof Attribute.GraphValue gv) {
          readsOf(gv.value(), live);
        } else if (a instanceof Attribute.Graphs gs) {
          gs.values().forEach(sub -> readsOf(sub, live));
        }
      }
    }
    Collections.reverse(kept);
    Graph.Builder b = g.toBuilder().nodes(kept);
    Set<String> inputs = new HashSet<>();
    g.inputs().forEach(v -> inputs.add(v.name()));
    for (String name : g.initializers().keySet()) {
      if (!live.contains(name) && !inputs.contains(name)) {
        b.removeInitializer(name);
        removed++;
      }
    }
    if (removed == 0) {
      return new PassResult(model, 0);
    }
    return new PassResult(model.withGraph(Rewrite.pruneValueInfo(b.build())), removed);
  }

  private static void readsOf(Graph sub, Set<String> live) {
    for (Node n : sub.nodes()) {
      live.addAll(n.inputs());
      for (Attribute a : n.attributes().asMap().values()) {
        if (a instanceof Attribute.GraphValue gv) {
          readsOf(gv.value(), live);
        } else if (a instanceof Attribute.Graphs gs) {
          gs.values().forEach(s -> readsOf(s, live));
        }
      }
    }
    for (ValueInfo o : sub.outputs()) {
      live.add(o.name());
    }
  }
}
