package dev.mobilize.mnn;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mobilize.ir.Model;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.onnx.OnnxImporter;
import dev.mobilize.service.Options;
import dev.mobilize.service.Problem;
import dev.mobilize.testing.ReferenceData;
import dev.mobilize.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every model under ../shared/models (as imported from ONNX, and after the optimizer's default
 * pipeline) writes as .mnn, reads back with the MNN importer, and computes its reference outputs
 * on every test data set: relative max error 1e-4 with float weights, 1e-2 with half weights.
 * The files and the outputs computed from them stay under target/mnn-shared (MODEL-VARIANT/model.mnn,
 * SET.OUTPUT.f32 raw little-endian floats) for the check against real MNN outside CI.
 */
class SharedModelsMnnTest {

  private final Path out = Path.of("target", "mnn-shared");

  @TestFactory
  Stream<DynamicTest> sharedModels() throws IOException {
    Path models = SharedData.dir("models");
    List<Path> dirs;
    try (Stream<Path> s = Files.list(models)) {
      dirs = s.filter(d -> Files.exists(d.resolve("model.onnx"))).sorted().toList();
    }
    return dirs.stream().flatMap(d -> Stream.of(
        DynamicTest.dynamicTest(d.getFileName() + " as imported", () -> check(d, false, false)),
        DynamicTest.dynamicTest(d.getFileName() + " optimized", () -> check(d, true, false)),
        DynamicTest.dynamicTest(d.getFileName() + " optimized fp16", () -> check(d, true, true))));
  }

  void check(Path dir, boolean optimize, boolean fp16) throws IOException {
    String name = dir.getFileName().toString();
    String variant = (optimize ? "optimized" : "as-imported") + (fp16 ? "-fp16" : "");
    Model onnx = new OnnxImporter().read(dir.resolve("model.onnx"), Options.NONE);
    Model model = optimize ? Mnn.optimize(onnx, new MnnExporter().expresses()) : onnx;
    Options options = Options.of(Map.of("fp16", String.valueOf(fp16)));
    List<Problem> problems = new MnnExporter().check(model, options);
    assertTrue(problems.isEmpty(), name + " " + variant + ": " + problems);
    List<Path> files = new MnnExporter().write(model, out.resolve(name + "-" + variant), "model", options);
    Model back = Mnn.importer().read(files.get(0), Options.NONE);
    List<String> ins = onnx.graph().inputs().stream().map(ValueInfo::name).toList();
    List<String> outs = onnx.graph().outputs().stream().map(ValueInfo::name).toList();
    List<Path> sets;
    try (Stream<Path> s = Files.list(dir)) {
      sets = s.filter(x -> x.getFileName().toString().startsWith("test_data_set_")).sorted().toList();
    }
    double worst = 0;
    for (Path set : sets) {
      Map<String, Tensor> actual = Mnn.run(back, ReferenceData.read(set, "input_", ins));
      for (Map.Entry<String, Tensor> e : ReferenceData.read(set, "output_", outs).entrySet()) {
        Tensor a = actual.get(e.getKey());
        assertNotNull(a, name + " " + variant + ": output " + e.getKey() + " is missing from the MNN model");
        Files.write(files.get(0).resolveSibling(set.getFileName() + "." + e.getKey().replaceAll("[^A-Za-z0-9_.-]", "_")
            + ".f32"), a.toByteArray());
        worst = Math.max(worst, ReferenceData.relativeError(a, e.getValue()));
      }
    }
    double tolerance = fp16 ? 1e-2 : 1e-4;
    System.out.printf("MNN round trip %s %s: %d op(s), %d bytes, relative max error %.2e%n", name, variant,
        back.graph().nodes().size(), Files.size(files.get(0)), worst);
    assertTrue(worst <= tolerance, name + " " + variant + ": relative max error " + worst + " > " + tolerance);
  }
}
