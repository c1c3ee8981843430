package dev.mobilize.optimize;

import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Tensor;
import dev.mobilize.service.GraphPass;
import dev.mobilize.service.PassContext;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Makes readers of identical initializers (same type, dims and bytes) read the first of them; the
 * copies become unused. Graph inputs and outputs keep their own.
 */
final class DeduplicateConstants implements GraphPass {

  @Override
  public String name() {
    return "DeduplicateConstants";
  }

  @Override
  public String description() {
    return "makes readers of identical constants share one";
  }

  private record Key(int type, String dims, int hash) {}

  @Override
  public PassResult apply(Model model, PassContext context) {
    Graph g = model.graph();
    GraphView view = new GraphView(g);
    if (view.hasSubgraphs()) {
      return new PassResult(model, 0);
    }
    Set<String> reserved = new HashSet<>();
    g.inputs().forEach(v -> reserved.add(v.name()));
    g.outputs().forEach(v -> reserved.add(v.name()));
    Map<Key, java.util.List<String>> seen = new HashMap<>();
    Rewrite r = new Rewrite();
    int count = 0;
    for (Map.Entry<String, Tensor> e : g.initializers().entrySet()) {
      if (reserved.contains(e.getKey()) || view.consumers(e.getKey()).isEmpty()) {
        continue;
      }
      Tensor t = e.getValue();
      Key k = new Key(t.type().code(), Arrays.toString(t.dims()), t.hashCode());
      java.util.List<String> same = seen.computeIfAbsent(k, x -> new java.util.ArrayList<>());
      String original = null;
      for (String s : same) {
        if (g.initializers().get(s).equals(t)) {
          original = s;
          break;
        }
      }
      if (original == null) {
        same.add(e.getKey());
      } else {
        r.redirect(e.getKey(), original);
        count++;
      }
    }
    return count == 0 ? new PassResult(model, 0) : new PassResult(model.withGraph(r.applyTo(g)), count);
  }
}
