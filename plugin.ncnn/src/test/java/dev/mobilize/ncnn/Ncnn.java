package dev.mobilize.ncnn;

import dev.mobilize.cpu.CpuGraphExecutor;
import dev.mobilize.ir.Tensor;
import dev.mobilize.onnx.OnnxModelInspector;
import dev.mobilize.service.Options;
import dev.mobilize.service.PreparedModel;
import java.util.Map;

/**
 * Test wiring: the exporter and importer with the real inspector and CPU executor (test data:
 * dev.mobilize.testing.ReferenceData).
 */
final class Ncnn {

  private Ncnn() {}

  static final OnnxModelInspector INSPECTOR = new OnnxModelInspector();
  static final CpuGraphExecutor EXECUTOR = new CpuGraphExecutor();

  static NcnnExporter exporter() {
    return new NcnnExporter(INSPECTOR, EXECUTOR);
  }

  static NcnnImporter importer() {
    return new NcnnImporter(INSPECTOR);
  }

  static Map<String, Tensor> run(dev.mobilize.ir.Model m, Map<String, Tensor> inputs) {
    try (PreparedModel p = EXECUTOR.prepare(m, Options.of(Map.of("threads", "2")))) {
      return p.run(inputs);
    }
  }
}
