package dev.mobilize.mace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mobilize.ir.Model;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.onnx.OnnxImporter;
import dev.mobilize.service.Options;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * Every model under ../shared/models converts to MACE (as imported, and after the default
 * optimizer pipeline), reads back with the MACE importer and computes its reference outputs:
 * relative max error 1e-4 in fp32, 1e-2 with fp16 weights (every model, optimized); obfuscated and
 * embedded forms compute the same as the plain one.
 */
class SharedModelsMaceTest {

  @TempDir
  Path out;

  @TestFactory
  Stream<DynamicTest> sharedModels() throws IOException {
    Path models = SharedData.dir("models");
    List<Path> dirs;
    try (Stream<Path> s = Files.list(models)) {
      dirs = s.filter(d -> Files.exists(d.resolve("model.onnx"))).sorted().toList();
    }
    Stream<DynamicTest> all = dirs.stream().flatMap(d -> Stream.of(
        DynamicTest.dynamicTest(d.getFileName() + " as imported", () -> check(d, false, Map.of(), 1e-4)),
        DynamicTest.dynamicTest(d.getFileName() + " optimized", () -> check(d, true, Map.of(), 1e-4)),
        DynamicTest.dynamicTest(d.getFileName() + " fp16", () -> check(d, true, Map.of("fp16", "true"), 1e-2))));
    // the protection options on two models, to keep the suite short
    Stream<DynamicTest> options = Stream.of(
        DynamicTest.dynamicTest("digits_cnn obfuscated embedded", () -> check(models.resolve("digits_cnn"), true,
            Map.of("obfuscate", "true", "embed", "true"), 1e-4)),
        DynamicTest.dynamicTest("squeezenet1_1 obfuscated", () -> check(models.resolve("squeezenet1_1"), true,
            Map.of("obfuscate", "true"), 1e-4)));
    return Stream.concat(all, options);
  }

  void check(Path dir, boolean optimize, Map<String, String> opts, double tolerance) {
    String name = dir.getFileName().toString();
    Model onnx = new OnnxImporter().read(dir.resolve("model.onnx"), Options.NONE);
    Model model = optimize ? Mace.optimize(onnx) : onnx;
    List<String> ins = onnx.graph().inputs().stream().map(ValueInfo::name).toList();
    List<String> outs = onnx.graph().outputs().stream().map(ValueInfo::name).toList();
    Path set = dir.resolve("test_data_set_0");
    Map<String, Tensor> in = ReferenceData.read(set, "input_", ins);
    StringBuilder shape = new StringBuilder();
    in.forEach((k, v) -> shape.append(shape.length() == 0 ? "" : ";").append(k).append('=')
        .append(String.join(",", java.util.Arrays.stream(v.dims()).mapToObj(Long::toString).toList())));
    Options options = Options.of(opts).with("input-shape", shape.toString());
    Path target = out.resolve(name + (optimize ? "_opt" : "") + opts.size());
    List<Path> files = Mace.exporter().write(model, target, "model", options);
    if (opts.containsKey("obfuscate")) {
      assertTrue(Files.exists(target.resolve("model.obfuscation.txt")), "the private mapping is written");
    }
    Model back = Mace.importer().read(files.get(0), Options.NONE);
    assertEquals(ins, back.graph().inputs().stream().map(ValueInfo::name).toList(), "input names survive");
    Map<String, Tensor> ref = ReferenceData.read(set, "output_", outs);
    Map<String, Tensor> actual = Mace.run(back, in);
    for (Map.Entry<String, Tensor> e : ref.entrySet()) {
      Tensor a = actual.get(e.getKey());
      assertTrue(a != null, name + ": output " + e.getKey() + " is missing from the MACE model");
      double err = ReferenceData.relativeError(a, e.getValue());
      System.out.printf("mace round trip %s%s %s %s: relative max error %.2e%n", name, optimize ? " optimized" : "",
          opts.keySet(), e.getKey(), err);
      assertTrue(err <= tolerance, name + ": relative max error " + err + " > " + tolerance);
    }
  }
}
