package dev.mobilize.mnn;

import dev.mobilize.cpu.CpuGraphExecutor;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Tensor;
import dev.mobilize.onnx.OnnxModelInspector;
import dev.mobilize.optimize.Pipeline;
import dev.mobilize.service.Options;
import dev.mobilize.service.PassContext;
import dev.mobilize.service.PreparedModel;
import java.util.Map;
import java.util.Set;

/**
 * Test wiring: the exporter and importer with the real inspector and CPU executor (test data:
 * dev.mobilize.testing.ReferenceData).
 */
final class Mnn {

  private Mnn() {}

  static final OnnxModelInspector INSPECTOR = new OnnxModelInspector();
  static final CpuGraphExecutor EXECUTOR = new CpuGraphExecutor();

  static MnnImporter importer() {
    return new MnnImporter(INSPECTOR);
  }

  static Map<String, Tensor> run(dev.mobilize.ir.Model m, Map<String, Tensor> inputs) {
    try (PreparedModel p = EXECUTOR.prepare(m, Options.of(Map.of("threads", "2")))) {
      return p.run(inputs);
    }
  }

  /** The optimizer's default pipeline as {@code convert --to mnn} runs it (passes whose operators mnn cannot express skipped). */
  static Model optimize(Model m, Set<String> expressible) {
    return Pipeline.run(m, Pipeline.defaults(EXECUTOR), expressible, PassContext.of(Options.NONE, "mnn"),
        INSPECTOR::inferShapes).model();
  }
}
