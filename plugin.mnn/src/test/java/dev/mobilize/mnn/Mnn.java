package dev.mobilize.mnn;

import dev.mobilize.cpu.CpuGraphExecutor;
import dev.mobilize.ir.Tensor;
import dev.mobilize.onnx.OnnxModelInspector;
import dev.mobilize.onnx.OnnxTensors;
import dev.mobilize.service.Options;
import dev.mobilize.service.PreparedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    Map<String, Tensor> m = new LinkedHashMap<>();
    for (int i = 0; ; i++) {
      Path f = set.resolve(prefix + i + ".pb");
      if (!Files.exists(f)) {
        break;
      }
      OnnxTensors.Named t = OnnxTensors.readFile(f);
      String name = t.name() == null || t.name().isEmpty() ? names.get(i) : t.name();
      m.put(name, t.tensor());
    }
    return m;
  }

  /** max |a - b| / max |b|, element by element (shapes may differ by leading 1s). */
  static double relativeError(Tensor actual, Tensor reference) {
    float[] a = actual.toFloatArray();
    float[] r = reference.toFloatArray();
    if (a.length != r.length) {
      throw new AssertionError("element counts differ: " + a.length + " vs reference " + r.length);
    }
    double err = 0;
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      err = Math.max(err, Math.abs(a[i] - r[i]));
      max = Math.max(max, Math.abs(r[i]));
    }
    return err / Math.max(max, 1e-30);
  }

  static double cosine(Tensor actual, Tensor reference) {
    float[] a = actual.toFloatArray();
    float[] r = reference.toFloatArray();
    double dot = 0;
    double na = 0;
    double nr = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * r[i];
      na += (double) a[i] * a[i];
      nr += (double) r[i] * r[i];
    }
    return dot / Math.sqrt(na * nr);
  }
}
