package dev.mobilize.tnn;

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
final class Tnn {

  private Tnn() {}

  static final OnnxModelInspector INSPECTOR = new OnnxModelInspector();
  static final CpuGraphExecutor EXECUTOR = new CpuGraphExecutor();

  static TnnExporter exporter() {
    return new TnnExporter(INSPECTOR, EXECUTOR);
  }

  static TnnImporter importer() {
    return new TnnImporter(INSPECTOR);
  }

  static Map<String, Tensor> run(dev.mobilize.ir.Model m, Map<String, Tensor> inputs) {
    try (PreparedModel p = EXECUTOR.prepare(m, Options.of(Map.of("threads", "2")))) {
      return p.run(inputs);
    }
  }

  /** The optimizer's default pipeline as {@code convert --to tnn} runs it (passes whose operators tnn cannot express skipped). */
  static Model optimize(Model m, Set<String> expressible) {
    return Pipeline.run(m, Pipeline.defaults(EXECUTOR), expressible, PassContext.of(Options.NONE, "tnn"),
        INSPECTOR::inferShapes).model();
  }
}
