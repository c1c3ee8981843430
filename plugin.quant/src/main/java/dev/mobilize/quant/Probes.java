package dev.mobilize.quant;

import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.ValueInfo;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/** Makes intermediate values of a model visible: adds them to its graph outputs. */
final class Probes {

  private Probes() {}

  static Model withOutputs(Model model, Collection<String> values) {
    Graph g = model.graph();
    Set<String> have = new LinkedHashSet<>();
    g.outputs().forEach(o -> have.add(o.name()));
    Graph.Builder b = g.toBuilder();
    for (String v : values) {
      if (have.add(v)) {
        b.output(g.info(v).orElse(ValueInfo.unknown(v)));
      }
    }
    return model.withGraph(b.build());
  }
}
