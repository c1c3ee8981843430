package dev.mobilize.cli;

import dev.mobilize.ir.Model;
import dev.mobilize.service.GraphExecutor;
import dev.mobilize.service.Options;
import dev.mobilize.service.PreparedModel;
import dev.mobilize.service.ServiceProperties;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** Runs models on the CPU executor service, holding it for as long as the work needs it. */
final class Execution {

  /** The executor commands use. */
  static final String EXECUTOR = "cpu";

  private final ServiceCatalog catalog;

  Execution(ServiceCatalog catalog) {
    this.catalog = catalog;
  }

  /** Prepares {@code model} and hands it to {@code work}, closing it afterwards. */
  <R> R with(Model model, int threads, boolean profile, Function<PreparedModel, R> work) {
    Map<String, String> opts = new LinkedHashMap<>();
    if (threads > 0) {
      opts.put(PreparedModel.THREADS, Integer.toString(threads));
    }
    if (profile) {
      opts.put(PreparedModel.PROFILE, "true");
    }
    return catalog.with(GraphExecutor.class, ServiceProperties.EXECUTOR, EXECUTOR, executor -> {
      try (PreparedModel prepared = executor.prepare(model, Options.of(opts))) {
        return work.apply(prepared);
      }
    });
  }
}
