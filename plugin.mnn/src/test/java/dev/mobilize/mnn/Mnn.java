package dev.mobilize.mnn;

import dev.mobilize.cpu.CpuGraphExecutor;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Tensor;
import dev.mobilize.onnx.OnnxModelInspector;
import dev.mobilize.optimize.Pipeline;
import dev.mobilize.service.Options;
import dev.mobilize.service.PassContext;
import dev.mobilize.service.PreparedModel;
import dev.mobilize.testing.ReferenceData;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Test wiring: the exporter and importer with the real inspector and CPU executor, and test data helpers. */
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

  /** input_K.pb or output_K.pb of a test data set, named by the tensor name or {@code names}. */
  static Map<String, Tensor> read(Path set, String prefix, List<String> names) {
    return ReferenceData.read(set, prefix, names);
  }

  /** max |a - b| / max |b|, element by element (shapes may differ by leading 1s). */
  static double relativeError(Tensor actual, Tensor reference) {
    return ReferenceData.relativeError(actual, reference);
  }

  static double cosine(Tensor actual, Tensor reference) {
    return ReferenceData.cosine(actual, reference);
  }

  /** The optimizer's default pipeline as {@code convert --to mnn} runs it (passes whose operators mnn cannot express skipped). */
  static Model optimize(Model m, Set<String> expressible) {
    return Pipeline.run(m, Pipeline.defaults(EXECUTOR), expressible, PassContext.of(Options.NONE, "mnn"),
        INSPECTOR::inferShapes).model();
  }
}
