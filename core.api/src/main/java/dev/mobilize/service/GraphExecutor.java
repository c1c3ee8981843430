package dev.mobilize.service;

import dev.mobilize.ir.Model;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Runs models. Registered as a service with {@link ServiceProperties#EXECUTOR}.
 *
 * <p>Example:
 * <pre>{@code
 * try (PreparedModel p = executor.prepare(model, Options.NONE)) {
 *   Map<String, Tensor> out = p.run(Map.of("input", x));
 * }
 * }</pre>
 */
@ProviderType
public interface GraphExecutor {

  /** The executor name, e.g. {@code cpu}. */
  String name();

  /**
   * Prepares a model to run many times: resolves kernels and shapes, packs weights, plans memory.
   * Every unsupported operator is reported here, all at once, never at the n-th run.
   *
   * @param options e.g. {@code threads=2}
   * @throws MobilizeException listing the unsupported operators
   */
  PreparedModel prepare(Model model, Options options);
}
