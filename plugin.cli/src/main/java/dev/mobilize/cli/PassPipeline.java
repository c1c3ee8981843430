package dev.mobilize.cli;

import dev.mobilize.ir.Model;
import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.GraphPass;
import dev.mobilize.service.MobilizeException;
import dev.mobilize.service.PassContext;
import dev.mobilize.service.ServiceProperties;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs graph passes found in the service registry, round after round until a round changes
 * nothing: the default pipeline is every pass with a {@code mobilize.pass.order} property, in that
 * order (the optimizer plugin numbers its passes); {@code --passes a,b,c} names passes in the order
 * to run. Passes that create operators the target cannot express are skipped.
 */
final class PassPipeline {

  private static final Logger LOG = LoggerFactory.getLogger(PassPipeline.class);

  /** The property by which the optimizer orders its default pipeline. */
  static final String ORDER = "mobilize.pass.order";

  static final int MAX_ROUNDS = 12;

  /** One pass application that changed the model. */
  record Step(int round, String pass, int rewrites) {}

  /** The result: the model, the steps that fired, and the passes skipped for the target. */
  record Result(Model model, List<Step> steps, int rounds, List<String> skipped) {

    Map<String, Integer> rewritesByPass() {
      Map<String, Integer> m = new LinkedHashMap<>();
      steps.forEach(s -> m.merge(s.pass(), s.rewrites(), Integer::sum));
      return m;
    }
  }

  /** Called after each pass that changed the model; throws to stop (for --verify-passes). */
  interface Check {
    void after(String pass, Model model);
  }

  private final BundleContext context;
  private final ServiceCatalog catalog;

  PassPipeline(BundleContext context, ServiceCatalog catalog) {
    this.context = context;
    this.catalog = catalog;
  }

  private List<ServiceReference<GraphPass>> references() {
    try {
      return new ArrayList<>(context.getServiceReferences(GraphPass.class, null));
    } catch (InvalidSyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The passes to run: the named ones in the given order, else the default pipeline. */
  List<ServiceReference<GraphPass>> select(List<String> names) {
    List<ServiceReference<GraphPass>> all = references();
    if (names.isEmpty()) {
      return all.stream().filter(r -> r.getProperty(ORDER) instanceof Number)
          .sorted(Comparator.comparingInt(r -> ((Number) r.getProperty(ORDER)).intValue())).toList();
    }
    Map<String, ServiceReference<GraphPass>> byName = new LinkedHashMap<>();
    all.forEach(r -> byName.putIfAbsent(String.valueOf(r.getProperty(ServiceProperties.PASS)), r));
    List<ServiceReference<GraphPass>> out = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    for (String n : names) {
      ServiceReference<GraphPass> r = byName.get(n);
      if (r == null) {
        unknown.add(n);
      } else {
        out.add(r);
      }
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown pass(es) " + String.join(", ", unknown) + "; available: "
          + String.join(", ", new TreeSet<>(byName.keySet())));
    }
    return out;
  }

  Result run(Model model, List<ServiceReference<GraphPass>> passes, Set<String> expressible, PassContext pc,
      UnaryOperator<Model> inferShapes, Check check) {
    List<ServiceReference<GraphPass>> active = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (ServiceReference<GraphPass> r : passes) {
      Set<String> produces = catalog.call(r, GraphPass::produces);
      if (expressible.containsAll(produces)) {
        active.add(r);
      } else {
        skipped.add(String.valueOf(r.getProperty(ServiceProperties.PASS)));
      }
    }
    List<Step> steps = new ArrayList<>();
    Model m = model;
    for (int round = 1; round <= MAX_ROUNDS; round++) {
      int changes = 0;
      for (ServiceReference<GraphPass> r : active) {
        Model in = m;
        GraphPass.PassResult res = catalog.call(r, (Function<GraphPass, GraphPass.PassResult>) p -> p.apply(in, pc));
        if (res.rewrites() > 0) {
          String name = String.valueOf(r.getProperty(ServiceProperties.PASS));
          m = inferShapes.apply(res.model());
          steps.add(new Step(round, name, res.rewrites()));
          LOG.info("round {}: {} made {} rewrite(s), {} nodes now", round, name, res.rewrites(), m.graph().nodes().size());
          changes += res.rewrites();
          if (check != null) {
            check.after(name, m);
          }
        }
      }
      if (changes == 0) {
        return new Result(m, steps, round, skipped);
      }
    }
    throw new MobilizeException(ErrorCode.INVALID_GRAPH, "the passes did not converge after " + MAX_ROUNDS
        + " rounds (they keep rewriting: " + steps.subList(Math.max(0, steps.size() - 5), steps.size())
        + "); run with --passes to find the pair that undoes each other");
  }
}
