package dev.mobilize.quant;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.mobilize.cpu.CpuGraphExecutor;
import dev.mobilize.ir.DataType;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The proof on MobileNetV2 and ResNet-18 (random weights, randomised BatchNorm): calibrate
 * on 32 standard-normal inputs, then compare int8 with float on the shared test input and 8 fresh
 * standard-normal inputs, and the ONNX file sizes. Minutes of work, so not part of the quick build:
 * <pre>
 * mvn -B -ntp -o verify -pl plugin.quant -am -Dtest=ImageNetProofTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dmobilize.quant.proof=true
 * </pre>
 * {@code keepFloat} lists the layers kept float for the mixed-precision figure (the most sensitive
 * ones by {@code --sensitivity}); "-" for none. {@code budget} is a {@code --min-cosine} for the quantizer to
 * find that list itself; "-" for none.
 */
@EnabledIfSystemProperty(named = "mobilize.quant.proof", matches = "true")
class ImageNetProofTest {

  @TempDir
  Path tmp;

  /**
   * The ONNX form is asymmetric (never-negative activations from zero point -128, option
   * {@code activations=asymmetric}); the symmetric row is the form ncnn, TNN, MNN and MACE get. MobileNetV2
   * in full int8 stays below the 0.99 (symmetric 0.96 to 0.98 with kl, mse and minmax, ncnn: 0.974;
   * asymmetric 0.965 to 0.982): {@link #inputRoundingAloneCostsMobileNetV2TheBar} shows why. With asymmetric
   * activations keeping its first 10 convolutions float (blocks 0 to 3 and block 4's expansion) reaches 0.99
   * (symmetric needs 14), and with {@code eq} (the kl scales searched against the outputs, which moves full int8
   * little) the first 9, at the edge. Full int8 files: MobileNetV2 0.262x (the int8 weights
   * are 0.248x, the per-channel weight scales and int32 biases on its 18k channels 0.010x, the bias scales
   * x_scale · W_scale written as a Mul of the two, the graph 0.004x of which 0.003x is the float model's own),
   * ResNet-18 0.251x.
   */
  @ParameterizedTest
  @CsvSource({
      "resnet18, kl, asymmetric, 0.99, 0.252, -, -",
      "resnet18, mse, asymmetric, 0.99, 0.252, -, -",
      "mobilenet_v2, kl, symmetric, 0.96, 0.262, -, -",
      "mobilenet_v2, kl, asymmetric, 0.97, 0.262, -, -",
      "mobilenet_v2, mse, asymmetric, 0.97, 0.262, -, -",
      "mobilenet_v2, minmax, asymmetric, 0.96, 0.262, -, -",
      // eq: the kl scales searched one by one against the outputs; full int8, then with the first conv float
      "mobilenet_v2, eq, asymmetric, 0.97, 0.262, -, -",
      "mobilenet_v2, eq, asymmetric, 0.975, 0.263, /features/features.0/features.0.0/Conv, -",
      // mixed precision: the first 10 convs (blocks 0 to 3 and block 4's expansion) float reach the bar
      "mobilenet_v2, kl, asymmetric, 0.99, 0.266, /features/features.0/features.0.0/Conv;"
          + "/features/features.1/conv/conv.0/conv.0.0/Conv;/features/features.1/conv/conv.1/Conv;/features/features.2/conv/conv.0/conv.0.0/Conv;"
          + "/features/features.2/conv/conv.1/conv.1.0/Conv;/features/features.2/conv/conv.2/Conv;"
          + "/features/features.3/conv/conv.0/conv.0.0/Conv;/features/features.3/conv/conv.1/conv.1.0/Conv;"
          + "/features/features.3/conv/conv.2/Conv;/features/features.4/conv/conv.0/conv.0.0/Conv, -",
      // the same found by the quantizer: --min-cosine keeps the most sensitive convs float until every
      // calibration sample's output has that cosine to float
      "mobilenet_v2, kl, asymmetric, 0.99, 0.27, -, 0.992",
  })
  void int8KeepsCosine(String name, String method, String activations, double minCosine, double maxSize,
      String keepFloat, String budget) throws Exception {
    Path dir = SharedData.dir("models/" + name);
    Model f = Optimized.read(dir.resolve("model.onnx"));
    Random random = new Random(20261128);
    Path calib = tmp.resolve("calib.pb");
    OnnxTensors.writeFile(calib, "input", normal(random, 32));
    List<Tensor> tests = new ArrayList<>();
    tests.add(OnnxTensors.readFile(dir.resolve("test_data_set_0/input_0.pb")).tensor());
    for (int i = 0; i < 8; i++) {
      tests.add(normal(random, 1));
    }
    Map<String, String> options = new java.util.HashMap<>(Map.of(Quantizer.CALIB, calib.toString(),
        Quantizer.METHOD, method, Quantizer.ACTIVATIONS, activations));
    if (!keepFloat.equals("-")) {
      options.put(Quantizer.KEEP_FLOAT, keepFloat.replace(';', ','));
    }
    if (!budget.equals("-")) {
      options.put(Quantizer.MIN_COSINE, budget);
    }
    Options o = Options.of(options);
    Quantizer q = new PostTrainingQuantizer(new CpuGraphExecutor(), List.of(new OnnxTensorFormat()));
    long started = System.nanoTime();
    Quantizer.Result result = q.quantizeInt8(f, o, Quantizer.Progress.NONE);
    Model int8 = result.model();
    if (!budget.equals("-")) {
      keepFloat = String.join(";", result.report().keptFloat());
      System.out.printf("%s --min-cosine %s kept float: %s%n", name, budget, keepFloat);
    }
    long seconds = (System.nanoTime() - started) / 1_000_000_000L;
    String input = f.graph().inputs().get(0).name();
    double worst = 1;
    double best = 0;
    double ortWorst = 1;
    double ortToFloat = 1;
    StringBuilder all = new StringBuilder();
    Path int8File = new OnnxExporter().write(int8, tmp, "int8", Options.NONE).get(0);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (PreparedModel pf = new CpuGraphExecutor().prepare(f, Options.NONE);
        PreparedModel pq = new CpuGraphExecutor().prepare(int8, Options.NONE);
        OrtSession ort = env.createSession(int8File.toString(), new OrtSession.SessionOptions())) {
      for (Tensor t : tests) {
        float[] a = pf.run(Map.of(input, t)).values().iterator().next().toFloatArray();
        float[] b = pq.run(Map.of(input, t)).values().iterator().next().toFloatArray();
        Agreement g = new Agreement();
        g.add(a, b, new long[0]);
        worst = Math.min(worst, g.cosine());
        best = Math.max(best, g.cosine());
        all.append(String.format(" %.4f", g.cosine()));
        float[] c = ort(env, ort, input, t);
        Agreement agree = new Agreement();
        agree.add(b, c, new long[0]);
        ortWorst = Math.min(ortWorst, agree.cosine());
        Agreement ortFloat = new Agreement();
        ortFloat.add(a, c, new long[0]);
        ortToFloat = Math.min(ortToFloat, ortFloat.cosine());
      }
    }
    long fs = Files.size(new OnnxExporter().write(f, tmp, "float", Options.NONE).get(0));
    long is = Files.size(int8File);
    long hs = Files.size(new OnnxExporter().write(q.storeWeightsFloat16(f, Options.NONE), tmp, "fp16", Options.NONE)
        .get(0));
    System.out.printf("%s %s %s (kept float: %s; quantized in %d s): int8 cosine on test input + 8 fresh:%s; min %.4f max %.4f;"
        + " ONNX Runtime on the int8 ONNX: cosine to our int8 >= %.4f, to float >= %.4f; ONNX int8 %.4fx, fp16 %.4fx"
        + " of float%n", name, method, activations, keepFloat.equals("-") ? "none" : keepFloat.split(";").length + " convs", seconds, all,
        worst, best, ortWorst, ortToFloat, (double) is / fs, (double) hs / fs);
    assertTrue(worst >= minCosine, name + " " + method + " " + activations + ": worst cosine " + worst);
    // ONNX Runtime rounds some requantized values the other way (float accumulation); MobileNetV2 amplifies
    // those one-unit differences like quantization noise (0.994), ResNet-18 does not (0.9998)
    assertTrue(ortWorst >= 0.99, "ONNX Runtime disagrees with our int8: cosine " + ortWorst);
    assertTrue((double) hs / fs <= 0.52, "fp16 size " + (double) hs / fs);
    assertTrue((double) is / fs <= maxSize, "int8 size " + (double) is / fs);
  }

  /**
   * Why MobileNetV2 (random weights) cannot keep 0.99 in int8: the network amplifies small input changes
   * so much that rounding only its input to int8, at the best per-tensor scale (T = 3.9 for N(0, 1), the
   * least squared error), with everything else float, already costs about 0.01 of cosine, and Gaussian
   * noise of the same power (σ = 0.0089) costs the same in the float model alone. Every other quantized
   * tensor of the first blocks costs about as much again (see docs/QUANTIZATION.md).
   */
  @Test
  void inputRoundingAloneCostsMobileNetV2TheBar() throws Exception {
    Path dir = SharedData.dir("models/mobilenet_v2");
    Model f = Optimized.read(dir.resolve("model.onnx"));
    String input = f.graph().inputs().get(0).name();
    Model rounded = roundedInput(f, input, 3.9f / 127);
    Random random = new Random(20261128);
    normal(random, 32);
    Random noise = new Random(7);
    double worstRounded = 1;
    double worstNoise = 1;
    try (PreparedModel pf = new CpuGraphExecutor().prepare(f, Options.NONE);
        PreparedModel pr = new CpuGraphExecutor().prepare(rounded, Options.NONE)) {
      for (int i = 0; i < 9; i++) {
        Tensor t = i == 0 ? OnnxTensors.readFile(dir.resolve("test_data_set_0/input_0.pb")).tensor()
            : normal(random, 1);
        float[] a = pf.run(Map.of(input, t)).values().iterator().next().toFloatArray();
        Agreement r = new Agreement();
        r.add(a, pr.run(Map.of(input, t)).values().iterator().next().toFloatArray(), new long[0]);
        worstRounded = Math.min(worstRounded, r.cosine());
        float[] x = t.toFloatArray().clone();
        for (int k = 0; k < x.length; k++) {
          x[k] += (float) (0.0089 * noise.nextGaussian());
        }
        Agreement n = new Agreement();
        n.add(a, pf.run(Map.of(input, Tensor.ofFloats(t.dims(), x))).values().iterator().next().toFloatArray(),
            new long[0]);
        worstNoise = Math.min(worstNoise, n.cosine());
      }
    }
    System.out.printf("mobilenet_v2, only the input rounded to int8 (T = 3.9): worst cosine %.4f; float model with"
        + " N(0, 0.0089²) input noise: worst cosine %.4f%n", worstRounded, worstNoise);
    assertTrue(worstRounded < 0.995 && worstNoise < 0.995, "the input alone leaves no room for the other layers");
  }

  /** {@code f} with its input rounded to int8 at {@code scale} (Q→DQ) and everything else float. */
  private static Model roundedInput(Model f, String input, float scale) {
    List<Node> nodes = new ArrayList<>();
    nodes.add(Node.builder("QuantizeLinear").inputs(input, "s", "z").outputs("q").build());
    nodes.add(Node.builder("DequantizeLinear").inputs("q", "s", "z").outputs("dq").build());
    for (Node n : f.graph().nodes()) {
      List<String> in = n.inputs().stream().map(v -> v.equals(input) ? "dq" : v).toList();
      nodes.add(n.toBuilder().inputs(in).build());
    }
    return f.withGraph(f.graph().toBuilder().nodes(nodes).initializer("s", Tensor.scalar(scale))
        .initializer("z", Tensor.of(DataType.INT8, new long[0], new byte[1])).build());
  }

  private static float[] ort(OrtEnvironment env, OrtSession s, String input, Tensor t) throws Exception {
    try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(t.toFloatArray()), t.dims());
        OrtSession.Result r = s.run(Map.of(input, in))) {
      FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
      float[] v = new float[fb.remaining()];
      fb.get(v);
      return v;
    }
  }

  private static Tensor normal(Random r, int n) {
    float[] v = new float[n * 3 * 224 * 224];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return Tensor.ofFloats(new long[] {n, 3, 224, 224}, v);
  }
}
