package dev.mobilize.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import dev.mobilize.service.Options;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every shared model imports, round-trips (import → export → import gives an equal graph), and the
 * exported file runs in ONNX Runtime with the reference outputs.
 */
class SharedModelsTest {

  private final OnnxImporter importer = new OnnxImporter();

  @TestFactory
  Stream<DynamicTest> importExportRoundTrip() {
    return SharedData.modelDirs().stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> {
      Model m = importer.read(dir.resolve("model.onnx"), Options.NONE);
      assertTrue(m.graph().nodes().size() > 0);
      for (Node n : m.graph().nodes()) {
        assertTrue(!n.opType().equals("Constant"), "Constant nodes become initializers");
      }
      assertEquals(21, m.opset());
      byte[] bytes = OnnxExporter.toBytes(m);
      Model again = importer.read(bytes, dir.resolve("model.onnx"), Options.NONE);
      assertEquals(m.graph(), again.graph(), "import → export → import gives the same graph");
    }));
  }

  @TestFactory
  Stream<DynamicTest> exportedModelRunsInOnnxRuntime() {
    return SharedData.modelDirs().stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> {
      Model m = importer.read(dir.resolve("model.onnx"), Options.NONE);
      byte[] bytes = OnnxExporter.toBytes(m);
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
        opts.setIntraOpNumThreads(2);
        try (OrtSession session = env.createSession(bytes, opts)) {
          for (Path set : SharedData.testSets(dir)) {
            checkTestSet(env, session, set);
          }
        }
      }
    }));
  }

  private static void checkTestSet(OrtEnvironment env, OrtSession session, Path set) throws Exception {
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try {
      for (Path f : SharedData.files(set, "input_")) {
        OnnxTensors.Named t = OnnxTensors.readFile(f);
        assertEquals(DataType.FLOAT, t.tensor().type());
        inputs.put(t.name(), OnnxTensor.createTensor(env, FloatBuffer.wrap(t.tensor().toFloatArray()), t.tensor().dims()));
      }
      try (OrtSession.Result r = session.run(inputs)) {
        List<Path> outputs = SharedData.files(set, "output_");
        for (Path f : outputs) {
          OnnxTensors.Named expected = OnnxTensors.readFile(f);
          OnnxTensor actual = (OnnxTensor) r.get(expected.name()).orElseThrow();
          float[] a = new float[(int) expected.tensor().numElements()];
          actual.getFloatBuffer().get(a);
          assertClose(expected.tensor(), a, set + "/" + f.getFileName());
        }
      }
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  static void assertClose(Tensor expected, float[] actual, String what) {
    float[] e = expected.toFloatArray();
    assertEquals(e.length, actual.length, what + ": element count");
    float range = 0;
    for (float v : e) {
      range = Math.max(range, Math.abs(v));
    }
    float tol = 1e-4f * Math.max(range, 1e-6f);
    for (int i = 0; i < e.length; i++) {
      if (!(Math.abs(e[i] - actual[i]) <= tol)) {
        throw new AssertionError(what + ": element " + i + " expected " + e[i] + " actual " + actual[i]
            + " (tolerance " + tol + ")");
      }
    }
  }
}
