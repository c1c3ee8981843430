package dev.mobilize.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mobilize.ir.Model;
import dev.mobilize.ir.Tensor;
import dev.mobilize.onnx.OnnxImporter;
import dev.mobilize.onnx.OnnxTensors;
import dev.mobilize.service.Options;
import dev.mobilize.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every model under ../shared/models matches its reference outputs: max abs error <= 1e-4 * max|reference|. */
class SharedModelsTest {

  @TestFactory
  Stream<DynamicTest> sharedModels() throws IOException {
    Path models = SharedData.dir("models");
    List<Path> dirs;
    try (Stream<Path> s = Files.list(models)) {
      dirs = s.filter(d -> Files.exists(d.resolve("model.onnx"))).sorted().toList();
    }
    return dirs.stream().map(d -> DynamicTest.dynamicTest(d.getFileName().toString(), () -> check(d)));
  }

  static void check(Path dir) throws IOException {
    Model model = new OnnxImporter().read(dir.resolve("model.onnx"), Options.NONE);
    try (CpuPreparedModel p = new CpuGraphExecutor().prepare(model, Options.of(Map.of("threads", "2")))) {
      List<Path> sets;
      try (Stream<Path> s = Files.list(dir)) {
        sets = s.filter(x -> x.getFileName().toString().startsWith("test_data_set_")).sorted().toList();
      }
      assertTrue(!sets.isEmpty(), "no test data in " + dir);
      for (Path set : sets) {
        Map<String, Tensor> in = read(set, "input_", model.graph().inputs().stream().map(v -> v.name()).toList());
        Map<String, Tensor> ref = read(set, "output_", model.graph().outputs().stream().map(v -> v.name()).toList());
        Map<String, Tensor> out = p.run(in);
        for (Map.Entry<String, Tensor> e : ref.entrySet()) {
          Tensor actual = out.get(e.getKey());
          assertEquals(e.getValue().shape(), actual.shape(), dir.getFileName() + " " + set.getFileName());
          double err = Compare.maxAbsError(e.getValue(), actual);
          double max = Compare.maxAbs(e.getValue());
          System.out.printf("%s/%s %s: max abs error %.3g (max |ref| %.3g, ratio %.3g), peak activations %d KiB%n",
              dir.getFileName(), set.getFileName(), e.getKey(), err, max, err / max, p.peakActivationBytes() / 1024);
          assertTrue(err <= 1e-4 * max, dir.getFileName() + "/" + set.getFileName() + " output " + e.getKey()
              + ": max abs error " + err + " > 1e-4 * " + max);
        }
      }
    }
  }

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
