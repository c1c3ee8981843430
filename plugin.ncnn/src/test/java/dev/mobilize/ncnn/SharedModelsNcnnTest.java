package dev.mobilize.ncnn;

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
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every model under ../shared/models converts to ncnn, reads back with the ncnn importer, and
 * computes its reference outputs (relative max error 1e-4), sample by sample (ncnn has no batch).
 */
class SharedModelsNcnnTest {

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

  void check(Path dir) throws IOException {
    String name = dir.getFileName().toString();
    Model onnx = new OnnxImporter().read(dir.resolve("model.onnx"), Options.NONE);
    List<Path> sets;
    try (Stream<Path> s = Files.list(dir)) {
      sets = s.filter(x -> x.getFileName().toString().startsWith("test_data_set_")).sorted().toList();
    }
    Map<String, Tensor> firstIn = ReferenceData.read(sets.get(0), "input_", names(onnx.graph().inputs()));
    StringBuilder shape = new StringBuilder();
    for (Map.Entry<String, Tensor> e : firstIn.entrySet()) {
      long[] d = e.getValue().dims().clone();
      d[0] = 1;
      shape.append(shape.length() == 0 ? "" : ";").append(e.getKey()).append(':')
          .append(String.join(",", Arrays.stream(d).mapToObj(Long::toString).toList()));
    }
    Options options = Options.of(Map.of("input-shape", shape.toString()));
    long t0 = System.nanoTime();
    List<Path> files = Ncnn.exporter().write(onnx, out.resolve(name), "model", options);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    String param = Files.readString(files.get(0));
    int layers = Integer.parseInt(param.lines().skip(1).findFirst().orElseThrow().split(" ")[0]);
    Model back = Ncnn.importer().read(files.get(0), options);
    double worst = 0;
    for (Path set : sets) {
      Map<String, Tensor> in = ReferenceData.read(set, "input_", names(onnx.graph().inputs()));
      Map<String, Tensor> ref = ReferenceData.read(set, "output_", names(onnx.graph().outputs()));
      for (Map.Entry<String, Tensor> e : ref.entrySet()) {
        Tensor expected = e.getValue();
        long batch = in.values().iterator().next().dims()[0];
        float[] all = expected.toFloatArray();
        int per = (int) (all.length / batch);
        for (int b = 0; b < batch; b++) {
          Map<String, Tensor> sample = new HashMap<>();
          for (Map.Entry<String, Tensor> i : in.entrySet()) {
            sample.put(i.getKey(), slice(i.getValue(), b));
          }
          Tensor actual = Ncnn.run(back, sample).get(e.getKey());
          assertTrue(actual != null, name + ": output " + e.getKey() + " is missing from the ncnn model");
          Tensor exp = Tensor.ofFloats(new long[] {per}, Arrays.copyOfRange(all, b * per, (b + 1) * per));
          double err = ReferenceData.relativeError(actual, exp);
          worst = Math.max(worst, err);
          assertTrue(err <= 1e-4, name + "/" + set.getFileName() + " sample " + b + " output " + e.getKey()
              + ": relative max error " + err + " > 1e-4");
        }
      }
    }
    System.out.printf("ncnn %-20s %4d layers, relative max error %.2e, conversion %d ms%n", name, layers, worst, ms);
    assertEquals(List.of(), Ncnn.exporter().check(onnx, options));
  }

  private static List<String> names(List<ValueInfo> values) {
    return values.stream().map(ValueInfo::name).toList();
  }

  /** Sample {@code b} of a batched tensor, with batch 1. */
  static Tensor slice(Tensor t, int b) {
    long[] d = t.dims().clone();
    float[] all = t.toFloatArray();
    int per = (int) (all.length / d[0]);
    d[0] = 1;
    return Tensor.ofFloats(d, Arrays.copyOfRange(all, b * per, (b + 1) * per));
  }
}
