package dev.mobilize.optimize;

import dev.mobilize.ir.Model;
import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.GraphExecutor;
import dev.mobilize.service.GraphPass;
import dev.mobilize.service.MobilizeException;
import dev.mobilize.service.PassContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The default optimization pipeline: the passes in order, one per line, and the driver that runs
 * them round after round until a round changes nothing. Each pass is registered as a service with
 * {@code mobilize.pass=<name>} and {@code mobilize.pass.order=<index in this list>}, so that the
 * {@code convert} command runs the same order. Public (in a package the bundle does not export) so
 * that the format plugins' tests run exactly this pipeline.
 */
public final class Pipeline {

  private Pipeline() {}

  /** Rounds after which a pipeline that still rewrites is a bug (rules undoing each other). */
  public static final int MAX_ROUNDS = 12;

  /** The default pipeline, in order. */
  public static List<GraphPass> defaults(GraphExecutor executor) {
    return List.of(
        // cleanup first: every later rule has less to look at
        new RemoveIdentity(),
        new RemoveDropout(),
        // constants next: shape chains become static shapes that the no-op rules can judge
        new FoldShapes(),
        new FoldConstants(executor),
        new RemoveNoOpCast(),
        new RemoveNoOpReshape(),
        new RemoveNoOpTranspose(),
        new RemoveNoOpPad(),
        new RemoveNoOpSlice(),
        new CancelTransposes(),
        new MergeReshapes(),
        new DeduplicateConstants(),
        new EliminateCommonSubexpressions(),
        // decomposed activations before folding into Conv: x + 3 must not be taken for a bias
        new RecognizeHardSwish(),
        new RecognizeHardSigmoid(),
        new RecognizeGelu(),
        new RecognizeMish(),
        new RecognizeLayerNormalization(),
        // linear maps into the weights before fusing activations: BN sits between Conv and Relu
        new FuseConvBatchNorm(),
        new FuseGemmBatchNorm(),
        new FoldScaleIntoConv(),
        new FoldBiasIntoConv(),
        new FoldPadIntoConv(),
        new FoldPadIntoPool(),
        new FuseMatMulAdd(),
        new ConvertReduceMeanToGlobalPool(),
        new ConvertFlattenToReshape(),
        // mobilize-domain fusions last, and only for targets that express them
        new FuseConvActivation(),
        new FuseConvTransposeActivation(),
        new FuseGemmActivation(),
        // last: sweep up what the rules left unread
        new RemoveUnused());
  }

  /** One pass application that changed the model. */
  public record Step(int round, String pass, int rewrites) {}

  /** The optimized model and what fired. */
  public record Result(Model model, List<Step> steps, int rounds) {

    /** Rewrites per pass, in pipeline order of first firing. */
    Map<String, Integer> rewritesByPass() {
      Map<String, Integer> m = new LinkedHashMap<>();
      steps.forEach(s -> m.merge(s.pass(), s.rewrites(), Integer::sum));
      return m;
    }
  }

  /**
   * Runs {@code passes} in order, round after round, until a round changes nothing. Passes that
   * produce operators outside {@code expressible} are skipped. Shapes are re-inferred after every
   * pass that changed the model.
   *
   * @throws MobilizeException if the passes still rewrite after {@link #MAX_ROUNDS} rounds
   */
  public static Result run(Model model, List<GraphPass> passes, Set<String> expressible, PassContext context,
      UnaryOperator<Model> inferShapes) {
    List<GraphPass> active = passes.stream().filter(p -> expressible.containsAll(p.produces())).toList();
    List<Step> steps = new ArrayList<>();
    Model m = inferShapes.apply(model);
    for (int round = 1; round <= MAX_ROUNDS; round++) {
      int changes = 0;
      for (GraphPass p : active) {
        GraphPass.PassResult r = p.apply(m, context);
        if (r.rewrites() > 0) {
          m = inferShapes.apply(r.model());
          steps.add(new Step(round, p.name(), r.rewrites()));
          changes += r.rewrites();
        }
      }
      if (changes == 0) {
        return new Result(m, steps, round);
      }
    }
    throw new MobilizeException(ErrorCode.INVALID_GRAPH, "the optimization passes did not converge after "
        + MAX_ROUNDS + " rounds; last round: " + steps.subList(Math.max(0, steps.size() - 5), steps.size()));
  }
}
