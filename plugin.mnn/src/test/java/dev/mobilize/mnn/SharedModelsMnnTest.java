package dev.mobilize.mnn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mobilize.ir.Model;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.onnx.OnnxImporter;
import dev.mobilize.service.Options;
import dev.mobilize.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every model under ../shared/models (as imported from ONNX) writes as .mnn, reads back with the
 * MNN importer, and computes its reference outputs (relative max error 1e-4).
 */
class SharedModelsMnnTest {

  @TempDir
  Path out;

  @TestFactory
  Stream<DynamicTest> sharedModels() throws IOException {
    Path models = SharedData.dir("models");
    List<Path> dirs;
    try (Stream<Path> s = Files.list(models)) {
      dirs = s.filter(d -> Files.exists(d.resolve("model.onnx"))).sorted().toList();
    }
    return dirs.stream().map(d -> DynamicTest.dynamicTest(d.getFileName().toString(), () -> check(d)));
  }

  void check(Path dir) {
    String name = dir.getFileName().toString();
    Model onnx = new OnnxImporter().read(dir.resolve("model.onnx"), Options.NONE);
    List<dev.mobilize.service.Problem> problems = new MnnExporter().check(onnx, Options.NONE);
    // raw imports keep BatchNormalization; the exporter has no BN op yet (convert's pipeline folds it)
    org.junit.jupiter.api.Assumptions.assumeTrue(problems.isEmpty(), name + ": " + problems.size()
        + " node(s) MNN cannot express unoptimized, first: " + (problems.isEmpty() ? "" : problems.get(0)));
    List<Path> files = new MnnExporter().write(onnx, out.resolve(name), "model", Options.NONE);
    Model back = Mnn.importer().read(files.get(0), Options.NONE);
    List<String> ins = onnx.graph().inputs().stream().map(ValueInfo::name).toList();
    List<String> outs = onnx.graph().outputs().stream().map(ValueInfo::name).toList();
    Path set = dir.resolve("test_data_set_0");
    Map<String, Tensor> in = Mnn.read(set, "input_", ins);
    Map<String, Tensor> ref = Mnn.read(set, "output_", outs);
    Map<String, Tensor> actual = Mnn.run(back, in);
    for (Map.Entry<String, Tensor> e : ref.entrySet()) {
      double err = Mnn.relativeError(actual.get(e.getKey()), e.getValue());
      System.out.printf("MNN round trip %s %s: relative max error %.2e%n", name, e.getKey(), err);
      assertTrue(err <= 1e-4, name + ": relative max error " + err);
    }
  }
}
