package dev.mobilize.onnx;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The shared test data ({@code ../shared} beside the project): models with reference outputs and
 * the ONNX node tests. In CI ({@code CI=true}) a missing folder fails the test; elsewhere it skips.
 */
final class SharedData {

  private SharedData() {}

  static Path root() {
    String prop = System.getProperty("mobilize.shared");
    Path p = prop != null ? Path.of(prop) : Path.of("../../shared");
    if (!Files.isDirectory(p.resolve("models"))) {
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError("the shared test data is missing at " + p.toAbsolutePath().normalize());
      }
      assumeTrue(false, "shared test data not found at " + p.toAbsolutePath().normalize());
    }
    return p.toAbsolutePath().normalize();
  }

  static Path models() {
    return root().resolve("models");
  }

  /** The model folders (each with model.onnx and test_data_set_*). */
  static List<Path> modelDirs() {
    try (Stream<Path> s = Files.list(models())) {
      return s.filter(d -> Files.isRegularFile(d.resolve("model.onnx"))).sorted().toList();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static List<Path> testSets(Path modelDir) {
    try (Stream<Path> s = Files.list(modelDir)) {
      return s.filter(d -> d.getFileName().toString().startsWith("test_data_set_")).sorted().toList();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static List<Path> files(Path testSet, String prefix) {
    try (Stream<Path> s = Files.list(testSet)) {
      return s.filter(f -> f.getFileName().toString().startsWith(prefix)).sorted().toList();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
