package dev.mobilize.optimize;

import dev.mobilize.ir.Tensor;
import dev.mobilize.onnx.OnnxTensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/** Finds {@code ../shared}: system property mobilize.shared, else ../../shared; fails in CI when missing. */
final class SharedData {

  private SharedData() {}

  static Path dir(String sub) {
    String prop = System.getProperty("mobilize.shared");
    Path base = prop != null ? Path.of(prop) : Path.of("../../shared");
    Path p = base.resolve(sub).normalize();
    if (!Files.isDirectory(p)) {
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError("shared test data missing: " + p.toAbsolutePath());
      }
      Assumptions.abort("shared test data not found at " + p.toAbsolutePath());
    }
    return p;
  }

  /** input_K.pb or output_K.pb of a test data set, by value name. */
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
}
