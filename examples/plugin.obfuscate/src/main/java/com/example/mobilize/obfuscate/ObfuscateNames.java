package com.example.mobilize.obfuscate;

import dev.mobilize.ir.Attribute;
import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import dev.mobilize.service.GraphPass;
import dev.mobilize.service.PassContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * Model obfuscation, as MACE offers it: strips every doc string and renames internal values and
 * nodes to short ids ({@code v0}, {@code v1}, ... and {@code n0}, {@code n1}, ...), so a shipped
 * model tells little about how it was built. Graph inputs and outputs keep their names, since apps
 * call the model by them. What the model computes does not change.
 */
@Component(service = GraphPass.class, property = "mobilize.pass=ObfuscateNames")
public class ObfuscateNames implements GraphPass {

  @Override
  public String name() {
    return "ObfuscateNames";
  }

  @Override
  public String description() {
    return "strip doc strings and rename internal values and nodes to short ids (example plugin)";
  }

  @Override
  public PassResult apply(Model model, PassContext context) {
    Set<String> kept = new HashSet<>();
    model.graph().inputs().forEach(v -> kept.add(v.name()));
    model.graph().outputs().forEach(v -> kept.add(v.name()));
    Renamer renamer = new Renamer(kept);
    Graph graph = rename(model.graph(), renamer);
    int rewrites = renamer.count() + (model.docString().isEmpty() ? 0 : 1);
    Model out = new Model(graph, model.opsets(), model.irVersion(), model.producerName(), model.producerVersion(),
        "", model.metadata());
    return new PassResult(out, rewrites);
  }

  private static Graph rename(Graph g, Renamer r) {
    Graph.Builder b = Graph.builder(g.name()).docString("");
    g.inputs().forEach(v -> b.input(v.withName(r.value(v.name()))));
    g.outputs().forEach(v -> b.output(v.withName(r.value(v.name()))));
    Map<String, Tensor> inits = new LinkedHashMap<>();
    g.initializers().forEach((name, t) -> inits.put(r.value(name), t));
    b.initializers(inits);
    for (Node n : g.nodes()) {
      List<String> ins = new ArrayList<>();
      n.inputs().forEach(i -> ins.add(i.isEmpty() ? "" : r.value(i)));
      List<String> outs = new ArrayList<>();
      n.outputs().forEach(o -> outs.add(o.isEmpty() ? "" : r.value(o)));
      b.node(n.toBuilder().name(r.node()).inputs(ins).outputs(outs).docString("")
          .attributes(renameSubgraphs(n.attributes(), r)).build());
    }
    g.valueInfo().values().forEach(v -> b.valueInfo(v.withName(r.value(v.name()))));
    return b.build();
  }

  /** Subgraphs read outer values by name, so they are renamed with the same map. */
  private static Attributes renameSubgraphs(Attributes attrs, Renamer r) {
    Attributes.Builder b = attrs.toBuilder();
    attrs.asMap().forEach((name, a) -> {
      if (a instanceof Attribute.GraphValue gv) {
        b.set(name, rename(gv.value(), r));
      }
    });
    return b.build();
  }

  /** Hands out short ids, the same id for the same name. */
  private static final class Renamer {
    private final Set<String> kept;
    private final Map<String, String> values = new HashMap<>();
    private int nodes;

    Renamer(Set<String> kept) {
      this.kept = kept;
    }

    String value(String name) {
      if (kept.contains(name)) {
        return name;
      }
      return values.computeIfAbsent(name, k -> fresh("v", values.size()));
    }

    String node() {
      return fresh("n", nodes++);
    }

    /** {@code prefix + number}, with a suffix when a kept name happens to look like an id. */
    private String fresh(String prefix, int number) {
      String id = prefix + number;
      while (kept.contains(id)) {
        id = id + "_";
      }
      return id;
    }

    int count() {
      return values.size() + nodes;
    }
  }
}
