package dev.mobilize.mace;

import dev.mobilize.cpu.CpuGraphExecutor;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Tensor;
import dev.mobilize.onnx.OnnxModelInspector;
import dev.mobilize.optimize.Pipeline;
import dev.mobilize.service.Options;
import dev.mobilize.service.PassContext;
import dev.mobilize.service.PreparedModel;
import java.util.Map;

/** Test wiring: exporter and importer with the real inspector and CPU executor; the optimizer's default pipeline. */
final class Mace {

  private Mace() {}

  static final OnnxModelInspector INSPECTOR = new OnnxModelInspector();
  static final CpuGraphExecutor EXECUTOR = new CpuGraphExecutor();

  static MaceExporter exporter() {
    return new MaceExporter(INSPECTOR, EXECUTOR);
  }

  static MaceImporter importer() {
    return new MaceImporter(INSPECTOR);
  }

  static Map<String, Tensor> run(Model m, Map<String, Tensor> inputs) {
    try (PreparedModel p = EXECUTOR.prepare(m, Options.of(Map.of("threads", "2")))) {
      return p.run(inputs);
    }
  }

  /** The optimizer's default pipeline as {@code convert --to mace} runs it (passes whose operators MACE cannot express skipped). */
  static Model optimize(Model m) {
    return Pipeline.run(m, Pipeline.defaults(EXECUTOR), exporter().expresses(), PassContext.of(Options.NONE, "mace"),
        INSPECTOR::inferShapes).model();
  }
}
