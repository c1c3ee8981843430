package dev.mobilize.mnn;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.atLeastOnce;

import dev.mobilize.ir.Model;
import dev.mobilize.optimize.OptimizePasses;
import dev.mobilize.service.GraphPass;
import dev.mobilize.service.Options;
import dev.mobilize.service.PassContext;
import java.util.Dictionary;
import java.util.List;
import java.util.Set;
import org.mockito.ArgumentCaptor;
import org.osgi.framework.BundleContext;

/**
 * The optimizer's default pipeline as {@code convert --to mnn} runs it: the passes the optimizer
 * bundle registers (caught from a mocked bundle context, in registration order, which is the
 * pipeline order), passes whose fused operators MNN cannot express skipped, run to a fixed point
 * with shape inference after every rewrite.
 */
final class Optimizer {

  private Optimizer() {}

  private static final int MAX_ROUNDS = 12;

  static List<GraphPass> passes() {
    BundleContext context = mock(BundleContext.class);
    new OptimizePasses(context, Mnn.EXECUTOR);
    @SuppressWarnings({"unchecked", "rawtypes"})
    ArgumentCaptor<GraphPass> passes = ArgumentCaptor.forClass(GraphPass.class);
    verify(context, atLeastOnce()).registerService(eq(GraphPass.class), passes.capture(), any(Dictionary.class));
    return passes.getAllValues();
  }

  static Model optimize(Model model, Set<String> expressible) {
    List<GraphPass> active = passes().stream().filter(p -> expressible.containsAll(p.produces())).toList();
    PassContext pc = PassContext.of(Options.NONE, "mnn");
    Model m = Mnn.INSPECTOR.inferShapes(model);
    for (int round = 0; round < MAX_ROUNDS; round++) {
      int changes = 0;
      for (GraphPass p : active) {
        GraphPass.PassResult r = p.apply(m, pc);
        if (r.rewrites() > 0) {
          m = Mnn.INSPECTOR.inferShapes(r.model());
          changes += r.rewrites();
        }
      }
      if (changes == 0) {
        return m;
      }
    }
    throw new IllegalStateException("the default pipeline did not converge in " + MAX_ROUNDS + " rounds");
  }
}
