package dev.mobilize.optimize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.mobilize.cpu.CpuGraphExecutor;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.onnx.OnnxExporter;
import dev.mobilize.onnx.OnnxImporter;
import dev.mobilize.service.Options;
import dev.mobilize.service.PreparedModel;
import dev.mobilize.testing.ReferenceData;
import dev.mobilize.testing.SharedData;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every shared model, optimized for ONNX (standard operators only) and for a target with fused
 * operators, still matches its reference outputs (max abs error ≤ 1e-4·max|reference|) in the CPU
 * runtime; the ONNX result also in ONNX Runtime. Plus the figures the issue asks for.
 */
class SharedModelsOptimizeTest {

  @TempDir
  Path tmp;

  @TestFactory
  Stream<DynamicTest> sharedModels() throws Exception {
    Path models = SharedData.dir("models");
    List<Path> dirs;
    try (Stream<Path> s = Files.list(models)) {
      dirs = s.filter(d -> Files.exists(d.resolve("model.onnx"))).sorted().toList();
    }
    assertTrue(!dirs.isEmpty(), "no models in " + models);
    return dirs.stream().map(d -> DynamicTest.dynamicTest(d.getFileName().toString(), () -> check(d)));
  }

  private void check(Path dir) throws Exception {
    String name = dir.getFileName().toString();
    Model original = new OnnxImporter().read(dir.resolve("model.onnx"), Options.NONE);
    Pipeline.Result onnx = Passes.optimize(original, Passes.NONE);
    Pipeline.Result fused = Passes.optimize(original, Passes.CPU);
    int before = original.graph().nodes().size();
    System.out.printf("%s: %d nodes -> %d (onnx target) -> %d (fused target); %d rounds; %s%n", name, before,
        onnx.model().graph().nodes().size(), fused.model().graph().nodes().size(), onnx.rounds(),
        onnx.rewritesByPass());
    assertTrue(onnx.model().graph().nodes().stream().allMatch(n -> n.domain().isEmpty()),
        name + ": the ONNX-target result has mobilize-domain nodes");
    compare(name + " (onnx target)", dir, onnx.model());
    compare(name + " (fused target)", dir, fused.model());
    compareInOrt(name, dir, onnx.model());

    if (Set.of("mobilenet_v2", "resnet18", "squeezenet1_1", "shufflenet_v2_x1_0").contains(name)) {
      assertEquals(0, count(onnx.model(), "BatchNormalization"), name + ": BatchNormalization left");
      assertEquals(0, count(onnx.model(), "Shape"), name + ": Shape left");
      for (Node n : onnx.model().graph().nodes()) {
        if (n.opType().equals("Reshape")) {
          assertTrue(onnx.model().graph().initializer(n.input(1)).isPresent(), name + ": dynamic Reshape " + n);
        }
      }
    }
    if (name.equals("mobilenet_v2")) {
      int after = fused.model().graph().nodes().size();
      assertTrue(after <= before * 0.6, "mobilenet_v2: " + before + " -> " + after + " nodes, expected a 40% drop");
    }
  }

  private static long count(Model m, String op) {
    return m.graph().nodes().stream().filter(n -> n.opType().equals(op)).count();
  }

  private static List<Path> sets(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(x -> x.getFileName().toString().startsWith("test_data_set_")).sorted().toList();
    }
  }

  private static void compare(String what, Path dir, Model m) throws Exception {
    try (PreparedModel p = new CpuGraphExecutor().prepare(m, Options.of(Map.of("threads", "2")))) {
      for (Path set : sets(dir)) {
        Map<String, Tensor> in = ReferenceData.read(set, "input_", m.graph().inputs().stream().map(ValueInfo::name).toList());
        Map<String, Tensor> ref = ReferenceData.read(set, "output_", m.graph().outputs().stream().map(ValueInfo::name).toList());
        Map<String, Tensor> out = p.run(in);
        for (Map.Entry<String, Tensor> e : ref.entrySet()) {
          check(what + " " + set.getFileName() + " " + e.getKey(), e.getValue().toFloatArray(),
              out.get(e.getKey()).toFloatArray());
        }
      }
    }
  }

  private void compareInOrt(String name, Path dir, Model m) throws Exception {
    List<Path> files = new OnnxExporter().write(m, tmp, name, Options.NONE);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession s = env.createSession(files.get(0).toString(), new OrtSession.SessionOptions())) {
      for (Path set : sets(dir)) {
        Map<String, Tensor> in = ReferenceData.read(set, "input_", m.graph().inputs().stream().map(ValueInfo::name).toList());
        Map<String, Tensor> ref = ReferenceData.read(set, "output_", m.graph().outputs().stream().map(ValueInfo::name).toList());
        Map<String, OnnxTensor> feed = new HashMap<>();
        for (Map.Entry<String, Tensor> e : in.entrySet()) {
          feed.put(e.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(e.getValue().toFloatArray()), e.getValue().dims()));
        }
        try (OrtSession.Result r = s.run(feed)) {
          for (Map.Entry<String, Tensor> e : ref.entrySet()) {
            OnnxTensor t = (OnnxTensor) r.get(e.getKey()).orElseThrow();
            FloatBuffer fb = t.getFloatBuffer();
            float[] actual = new float[fb.remaining()];
            fb.get(actual);
            check(name + " in ONNX Runtime " + set.getFileName() + " " + e.getKey(), e.getValue().toFloatArray(), actual);
          }
        } finally {
          feed.values().forEach(OnnxTensor::close);
        }
      }
    }
  }

  static void check(String what, float[] expected, float[] actual) {
    assertEquals(expected.length, actual.length, what + ": element count");
    double max = 0;
    double err = 0;
    for (int i = 0; i < expected.length; i++) {
      max = Math.max(max, Math.abs(expected[i]));
      err = Math.max(err, Math.abs(expected[i] - actual[i]));
    }
    System.out.printf("  %s: max abs error %.3g, relative %.3g%n", what, err, err / max);
    assertTrue(err <= 1e-4 * max, what + ": max abs error " + err + " > 1e-4 * " + max);
  }
}
