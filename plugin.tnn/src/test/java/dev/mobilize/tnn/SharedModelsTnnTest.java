package dev.mobilize.tnn;

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
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every model under ../shared/models converts to TNN, reads back with the TNN importer, and
 * computes its reference outputs (relative max error 1e-4; with fp16 weights 1e-2).
 */
class SharedModelsTnnTest {

  @TempDir
  Path out;

  @TestFactory
  Stream<DynamicTest> sharedModels() throws IOException {
    return models().stream().map(d -> DynamicTest.dynamicTest(d.getFileName().toString(), () -> check(d, false, false)));
  }

  @TestFactory
  Stream<DynamicTest> sharedModelsOptimized() throws IOException {
    return models().stream().map(d -> DynamicTest.dynamicTest(d.getFileName() + " optimized", () -> check(d, true, false)));
  }

  @TestFactory
  Stream<DynamicTest> sharedModelsWithHalfWeights() throws IOException {
    return models().stream().map(d -> DynamicTest.dynamicTest(d.getFileName().toString(), () -> check(d, false, true)));
  }

  private static List<Path> models() throws IOException {
    try (Stream<Path> s = Files.list(SharedData.dir("models"))) {
      return s.filter(d -> Files.exists(d.resolve("model.onnx"))).sorted().toList();
    }
  }

  void check(Path dir, boolean optimize, boolean fp16) throws IOException {
    String name = dir.getFileName().toString();
    Model imported = new OnnxImporter().read(dir.resolve("model.onnx"), Options.NONE);
    Model onnx = optimize ? Tnn.optimize(imported, Tnn.exporter().expresses()) : imported;
    List<Path> sets;
    try (Stream<Path> s = Files.list(dir)) {
      sets = s.filter(x -> x.getFileName().toString().startsWith("test_data_set_")).sorted().toList();
    }
    double worst = 0;
    for (Path set : sets) {
      Map<String, Tensor> in = ReferenceData.read(set, "input_", names(onnx.graph().inputs()));
      StringBuilder shape = new StringBuilder();
      for (Map.Entry<String, Tensor> e : in.entrySet()) {
        shape.append(shape.length() == 0 ? "" : ";").append(e.getKey()).append(':')
            .append(String.join(",", Arrays.stream(e.getValue().dims()).mapToObj(Long::toString).toList()));
      }
      Options options = Options.of(Map.of("input-shape", shape.toString(), "fp16", String.valueOf(fp16)));
      List<Path> files = Tnn.exporter().write(onnx, out.resolve(name + (optimize ? "_opt" : "") + (fp16 ? "_fp16" : "")), "model", options);
      if (fp16) {
        assertTrue(halfWeights(files) > 0, name + ": no half weights in " + files.get(1));
      }
      Model back = Tnn.importer().read(files.get(0), Options.NONE);
      Map<String, Tensor> ref = ReferenceData.read(set, "output_", names(onnx.graph().outputs()));
      Map<String, Tensor> actual = Tnn.run(back, in);
      for (Map.Entry<String, Tensor> e : ref.entrySet()) {
        Tensor a = actual.get(e.getKey());
        assertTrue(a != null, name + ": output " + e.getKey() + " is missing from the TNN model");
        worst = Math.max(worst, ReferenceData.relativeError(a, e.getValue()));
      }
    }
    double tolerance = fp16 ? 1e-2 : 1e-4;
    System.out.printf("tnn round trip %s%s%s: relative max error %.2e%n", name, optimize ? " optimized" : "",
        fp16 ? " (fp16)" : "", worst);
    assertTrue(worst <= tolerance, name + ": relative max error " + worst + " > " + tolerance);
  }

  /** The number of half weights in a written model; no weight that should be half is fp32. */
  private static long halfWeights(List<Path> files) throws IOException {
    TnnNet net = TnnProto.read(Files.readString(files.get(0)));
    TnnModelFile.read(Files.readAllBytes(files.get(1)), net);
    long half = 0;
    for (TnnNet.Layer l : net.layers) {
      TnnResource r = net.resources.get(l.name);
      if (r != null && HalfWeights.TYPES.contains(r.type()) && !HalfWeights.depthwise(l)) {
        assertTrue(r.buffer(0).dataType() == RawBuffer.HALF, l.name + ": weight stored as " + r.buffer(0).dataType());
        half++;
      }
    }
    return half;
  }

  private static List<String> names(List<ValueInfo> values) {
    return values.stream().map(ValueInfo::name).toList();
  }
}
