package dev.mobilize.quant;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Finds {@code ../shared}: system property mobilize.shared, else ../../shared; fails in CI when missing. */
final class SharedData {

  private SharedData() {}

  static Path dir(String sub) {
    String prop = System.getProperty("mobilize.shared");
    Path base = prop != null ? Path.of(prop) : Path.of("../../shared");
    Path p = base.resolve(sub).normalize();
    if (!Files.exists(p)) {
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError("shared test data missing: " + p.toAbsolutePath());
      }
      Assumptions.abort("shared test data not found at " + p.toAbsolutePath());
    }
    return p;
  }
}
