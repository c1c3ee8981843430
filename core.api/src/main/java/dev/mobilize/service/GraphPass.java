package dev.mobilize.service;

import dev.mobilize.ir.Model;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A named graph rewrite (cleanup, folding, fusion, quantization, lowering). Registered as a
 * service with {@link ServiceProperties#PASS} set to {@link #name()}. A pass never changes what
 * the model computes.
 *
 * <p>Example: {@code PassResult r = pass.apply(model, PassContext.of(Options.NONE));}
 */
@ProviderType
public interface GraphPass {

  /** The pass name, its class name by convention, e.g. {@code FuseConvBatchNorm}. */
  String name();

  /** One line that says what the pass does. */
  String description();

  /**
   * The {@code mobilize}-domain operators this pass creates (see {@link dev.mobilize.ir.FusedOps}).
   * A pass that creates any runs only on the way to a target whose exporter
   * {@linkplain ModelExporter#expresses() expresses} all of them; the ONNX exporter expresses none,
   * so ONNX output keeps standard operators. Empty by default.
   */
  default Set<String> produces() {
    return Set.of();
  }

  /**
   * Applies the pass once over the whole model.
   *
   * @return the rewritten model and the number of rewrites (0 = the model is unchanged)
   */
  PassResult apply(Model model, PassContext context);

  /**
   * The result of one application.
   *
   * @param model the rewritten (or the same) model
   * @param rewrites how many rewrites were made
   */
  record PassResult(Model model, int rewrites) {}
}
