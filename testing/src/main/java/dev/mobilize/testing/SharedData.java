package dev.mobilize.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the shared test data ({@code ../shared} beside the checkout; the system property
 * {@code mobilize.shared} overrides it). In CI ({@code CI=true}) a missing folder fails the test;
 * elsewhere the test is skipped.
 */
public final class SharedData {

  private SharedData() {}

  /** {@code sub} below the shared folder, e.g. {@code models} or {@code reference/tnn}. */
  public static Path dir(String sub) {
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
}
