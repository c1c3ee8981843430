package dev.mobilize.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.mobilize.cpu.CpuGraphExecutor;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import dev.mobilize.onnx.OnnxExporter;
import dev.mobilize.onnx.OnnxTensorFormat;
import dev.mobilize.onnx.OnnxTensors;
import dev.mobilize.service.Options;
import dev.mobilize.service.PreparedModel;
import dev.mobilize.service.Quantizer;
import dev.mobilize.testing.SharedData;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proof on the trained digits classifier: int8 (KL and min-max) loses at most 0.5
 * percentage points of test accuracy against float; the QDQ ONNX file runs in ONNX Runtime and
 * agrees with our runtime's int8 top-1 on at least 99% of the test images; int8 and fp16 files are
 * smaller.
 */
class DigitsProofTest {

  private static Model floatModel;
  private static Tensor images;
  private static long[] labels;
  private static Path calib;

  @TempDir
  Path tmp;

  @BeforeAll
  static void load() {
    Path dir = SharedData.dir("models/digits_cnn");
    floatModel = Optimized.read(dir.resolve("model.onnx"));
    images = OnnxTensors.readFile(dir.resolve("dataset/test_images.pb")).tensor();
    labels = OnnxTensors.readFile(dir.resolve("dataset/test_labels.pb")).tensor().toLongArray();
    calib = dir.resolve("dataset/calib_images.pb");
  }

  static Quantizer quantizer() {
    return new PostTrainingQuantizer(new CpuGraphExecutor(), List.of(new OnnxTensorFormat()));
  }

  @Test
  void klKeepsTestAccuracy() throws Exception {
    prove("kl");
  }

  @Test
  void minmaxKeepsTestAccuracy() throws Exception {
    prove("minmax");
  }

  /**
   * Asymmetric activations (the ONNX exporter's form): the ReLU outputs read the shared zero point -128,
   * same accuracy, and ONNX Runtime runs the file and agrees.
   */
  @Test
  void asymmetricActivationsKeepTestAccuracy() throws Exception {
    Model int8 = prove("kl", Map.of(Quantizer.ACTIVATIONS, "asymmetric"));
    long unsigned = int8.graph().nodes().stream().filter(n -> n.opType().equals("QuantizeLinear")
        && n.input(2).equals(InsertQdq.UNSIGNED_ZERO_POINT)).count();
    assertTrue(unsigned >= 3, unsigned + " tensors quantized from zero point -128");
    assertEquals(-128, int8.graph().initializer(InsertQdq.UNSIGNED_ZERO_POINT).orElseThrow().toByteArray()[0]);
  }

  /** The eq refinement (kl scales searched against the model's outputs), asymmetric: same accuracy, ONNX Runtime agrees. */
  @Test
  void eqKeepsTestAccuracy() throws Exception {
    prove("eq", Map.of(Quantizer.ACTIVATIONS, "asymmetric"));
  }

  /**
   * The extended form (every output quantized, pooling in the QDQ style, as TNN asks): same accuracy,
   * ONNX Runtime still runs it and agrees; every Conv/Gemm output and both poolings sit between Q→DQ pairs.
   */
  @Test
  void extendedFormKeepsTestAccuracy() throws Exception {
    Model int8 = prove("kl", Map.of(Quantizer.INT8_OPS, "MaxPool,AveragePool,GlobalAveragePool,Add,Concat,Relu",
        Quantizer.INT8_OUTPUTS, "all"));
    Map<String, List<Node>> readers = QuantTargets.consumers(int8.graph());
    int quantizedOutputs = 0;
    for (Node n : int8.graph().nodes()) {
      String op = n.opType();
      if (op.endsWith("Conv") || op.endsWith("Gemm") || op.endsWith("Pool")) {
        List<Node> next = readers.getOrDefault(n.output(0), List.of());
        if (next.size() == 1 && (next.get(0).opType().equals("Relu") || next.get(0).opType().equals("Clip"))) {
          next = readers.getOrDefault(next.get(0).output(0), List.of()); // the activated output
        }
        assertTrue(next.size() == 1 && next.get(0).opType().equals("QuantizeLinear"), n + " is read by " + next);
        quantizedOutputs++;
      }
      if (op.endsWith("Pool")) {
        assertTrue(dequantized(int8.graph(), n.input(0)), n + " does not read a dequantized value");
      }
    }
    assertEquals(6, quantizedOutputs, "3 convs, 1 gemm, MaxPool and GlobalAveragePool");
  }

  /** {@code v} is the output of a DequantizeLinear (whatever its name). */
  private static boolean dequantized(Graph g, String v) {
    return g.nodes().stream().anyMatch(n -> n.opType().equals("DequantizeLinear") && n.output(0).equals(v));
  }

  private void prove(String method) throws Exception {
    prove(method, Map.of());
  }

  private Model prove(String method, Map<String, String> more) throws Exception {
    Map<String, String> o = new java.util.HashMap<>(more);
    o.put(Quantizer.CALIB, calib.toString());
    o.put(Quantizer.METHOD, method);
    Quantizer.Result r = quantizer().quantizeInt8(floatModel, Options.of(o), Quantizer.Progress.NONE);
    Model int8 = r.model();
    assertEquals("int8", int8.metadata().get("mobilize.quantization"));
    assertEquals(method, int8.metadata().get("mobilize.calibration"));
    for (Node n : int8.graph().nodes()) {
      if (n.opType().equals("Conv") || n.opType().equals("Gemm")) {
        assertTrue(dequantized(int8.graph(), n.input(0)) && dequantized(int8.graph(), n.input(1)),
            method + ": " + n + " does not read dequantized values");
      }
    }
    int[] f = predictions(floatModel);
    int[] q = predictions(int8);
    double floatAcc = accuracy(f);
    double int8Acc = accuracy(q);
    int[] ort = ortPredictions(int8, method + more.size());
    int agree = 0;
    for (int i = 0; i < q.length; i++) {
      agree += q[i] == ort[i] ? 1 : 0;
    }
    double agreement = (double) agree / q.length;
    System.out.printf("digits_cnn %s%s: test accuracy float %.2f%%, int8 %.2f%% (drop %.2f pp); ONNX Runtime agrees"
        + " with our int8 on %.2f%% of %d images; report: %s%n", method, more.isEmpty() ? "" : " " + more, 100 * floatAcc, 100 * int8Acc,
        100 * (floatAcc - int8Acc), 100 * agreement, q.length, r.report().outputs());
    assertTrue(floatAcc - int8Acc <= 0.005, method + ": int8 test accuracy " + int8Acc + " vs float " + floatAcc);
    assertTrue(agreement >= 0.99, method + ": ONNX Runtime agrees with our int8 on only " + agreement);
    assertEquals(1, r.report().outputs().size());
    assertTrue(r.report().outputs().get(0).top1Agreement() >= 0.97, "top-1 agreement on the calibration set: "
        + r.report().outputs().get(0));
    assertEquals(200, r.report().samples());
    assertEquals(r.report().layers().size(), QuantTargets.find(floatModel.graph()).size());
    return int8;
  }

  @Test
  void int8AndFp16FilesAreSmaller() throws Exception {
    Quantizer q = quantizer();
    Model int8 = q.quantizeInt8(floatModel, Options.of(Map.of(Quantizer.CALIB, calib.toString())),
        Quantizer.Progress.NONE).model();
    Model fp16 = q.storeWeightsFloat16(floatModel, Options.NONE);
    long f = size(floatModel, "float");
    long i = size(int8, "int8");
    long h = size(fp16, "fp16");
    System.out.printf("digits_cnn ONNX sizes: float %d, int8 %d (%.3fx), fp16 %d (%.3fx)%n", f, i, (double) i / f, h,
        (double) h / f);
    // a model of 25k weights: names and per-channel tables weigh (the large models' ratios are in ImageNetProofTest)
    assertTrue(i <= 0.35 * f, "int8 " + i + " vs float " + f);
    assertTrue(h <= 0.52 * f, "fp16 " + h + " vs float " + f);
    int[] fp = predictions(floatModel);
    int[] hp = predictions(fp16);
    assertTrue(accuracy(hp) >= accuracy(fp) - 0.003, "fp16 accuracy " + accuracy(hp));
  }

  private long size(Model m, String name) throws Exception {
    return Files.size(new OnnxExporter().write(m, tmp, name, Options.NONE).get(0));
  }

  private static int[] predictions(Model m) {
    try (PreparedModel p = new CpuGraphExecutor().prepare(m, Options.NONE)) {
      Tensor out = p.run(Map.of(m.graph().inputs().get(0).name(), images)).values().iterator().next();
      return argMax(out.toFloatArray(), (int) out.dims()[1]);
    }
  }

  private int[] ortPredictions(Model m, String name) throws Exception {
    Path file = new OnnxExporter().write(m, tmp, "digits_" + name, Options.NONE).get(0);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession s = env.createSession(file.toString(), new OrtSession.SessionOptions());
        OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(images.toFloatArray()), images.dims());
        OrtSession.Result r = s.run(Map.of(m.graph().inputs().get(0).name(), in))) {
      OnnxTensor t = (OnnxTensor) r.get(0);
      FloatBuffer fb = t.getFloatBuffer();
      float[] v = new float[fb.remaining()];
      fb.get(v);
      return argMax(v, (int) t.getInfo().getShape()[1]);
    }
  }

  private static int[] argMax(float[] v, int classes) {
    int[] out = new int[v.length / classes];
    for (int i = 0; i < out.length; i++) {
      out[i] = Agreement.argMax(v, i * classes, classes);
    }
    return out;
  }

  private static double accuracy(int[] predicted) {
    int ok = 0;
    for (int i = 0; i < predicted.length; i++) {
      ok += predicted[i] == labels[i] ? 1 : 0;
    }
    return (double) ok / predicted.length;
  }
}
