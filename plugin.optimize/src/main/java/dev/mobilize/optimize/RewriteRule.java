package dev.mobilize.optimize;

import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.service.GraphPass;
import dev.mobilize.service.PassContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A pass made of one named rewrite rule: a {@link #pattern()} and a {@link #rewrite(Match)} that
 * returns the change, or empty (after {@link Match#reject}) when the match cannot be rewritten. The
 * rule is applied wherever it matches until it matches nowhere it can apply.
 *
 * <p>Rules state the ONNX opsets they understand; the IR is normalised to the latest opset on import,
 * so all rules here read ONNX 13+ semantics (axes and pads as inputs where that opset has them).
 */
abstract class RewriteRule implements GraphPass {

  /** The result of running a rule over a model, with the reasons it did not apply where it matched. */
  record Run(Model model, int rewrites, List<String> rejections) {}

  @Override
  public String name() {
    return getClass().getSimpleName();
  }

  @Override
  public String toString() {
    return name();
  }

  /** What the rule looks for. */
  abstract Pattern pattern();

  /** The change for one match, or empty after {@code m.reject("why")}. */
  abstract Optional<Rewrite> rewrite(Match m);

  @Override
  public PassResult apply(Model model, PassContext context) {
    Run r = run(model);
    return new PassResult(r.model(), r.rewrites());
  }

  /** The lowest default-domain opset whose operators the rewrite may create (1: any). */
  int minOpset() {
    return 1;
  }

  /** Applies the rule wherever it can, until nothing is left to rewrite. */
  Run run(Model model) {
    if (model.opset() != 0 && model.opset() < minOpset()) {
      return new Run(model, 0, List.of("the model's opset " + model.opset() + " is below " + minOpset()));
    }
    Graph g = model.graph();
    Pattern pattern = pattern();
    Set<String> rejections = new LinkedHashSet<>();
    int rewrites = 0;
    int limit = 4 * g.nodes().size() + 16;
    boolean changed = true;
    while (changed) {
      changed = false;
      GraphView view = new GraphView(g);
      for (Node n : g.nodes()) {
        if (!pattern.ops().contains(n.opType())) {
          continue;
        }
        Map<String, Node> captures = new HashMap<>();
        if (!pattern.match(n, view, captures)) {
          continue;
        }
        Optional<Rewrite> r = rewrite(new Match(view, n, captures, rejections));
        if (r.isPresent()) {
          g = r.get().applyTo(g);
          rewrites++;
          changed = true;
          break;
        }
      }
      if (rewrites > limit) {
        throw new IllegalStateException(name() + " keeps rewriting (" + rewrites + " rewrites on a graph of "
            + g.nodes().size() + " nodes): the rule does not make progress");
      }
    }
    return new Run(rewrites == 0 ? model : model.withGraph(g), rewrites, new ArrayList<>(rejections));
  }
}
