package dev.mobilize.mnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mobilize.cpu.CpuGraphExecutor;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Tensor;
import dev.mobilize.onnx.OnnxImporter;
import dev.mobilize.onnx.OnnxTensorFormat;
import dev.mobilize.onnx.OnnxTensors;
import dev.mobilize.quant.PostTrainingQuantizer;
import dev.mobilize.service.Options;
import dev.mobilize.service.Quantizer;
import dev.mobilize.testing.ReferenceData;
import dev.mobilize.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Shared models quantized by plugin.quant (as {@code convert --to mnn --int8} does: optimized for MNN,
 * then QDQ), written as int8 .mnn, read back and run: the file computes what the QDQ graph computes
 * in our runtime, up to what MNN's quantized models leave float: a float op reading a tensor that an
 * int8 convolution reads does not see it rounded to int8, and the quantized Gemm and the graph output
 * stay float. The files, the inputs (input.pb) and our outputs (qdq.f32 of the QDQ graph, float.f32 of
 * the float graph, mnn.f32 of the .mnn read back, raw little-endian) stay under target/mnn-int8/MODEL/ for the check against real
 * MNN outside CI. MobileNetV2 takes minutes, so it runs only with {@code -Dmobilize.mnn.int8proof=true}.
 */
class Int8ModelsMnnTest {

  private final Path out = Path.of("target", "mnn-int8");

  /** The hand-made graph of {@link MnnInt8WriterTest} (int8 convolution and depthwise convolution). */
  @Test
  void smallGraph() throws IOException {
    Model qdq = MnnInt8WriterTest.qdq();
    Path to = out.resolve("small");
    Path file = new MnnExporter().write(qdq, to, "model", Options.NONE).get(0);
    Tensor expected = Mnn.run(Mnn.INSPECTOR.inferShapes(qdq), MnnInt8WriterTest.input()).get("logits");
    Tensor actual = Mnn.run(Mnn.importer().read(file, Options.NONE), MnnInt8WriterTest.input()).get("logits");
    OnnxTensors.writeFile(to.resolve("input.pb"), "data", MnnInt8WriterTest.input().get("data"));
    Files.write(to.resolve("qdq.f32"), expected.toByteArray());
    Files.write(to.resolve("mnn.f32"), actual.toByteArray());
    Files.write(to.resolve("float.f32"), expected.toByteArray());
    assertTrue(ReferenceData.relativeError(actual, expected) <= 1e-6);
  }

  @Test
  void digitsCnn() throws IOException {
    Path dir = SharedData.dir("models/digits_cnn");
    Tensor test = OnnxTensors.readFile(dir.resolve("dataset/test_images.pb")).tensor();
    Figures f = check("digits_cnn", dir, dir.resolve("dataset/calib_images.pb"), test);
    assertEquals(2, f.int8Convs(), "both convolutions of the digits CNN are int8: " + f);
    assertTrue(f.relativeError() <= 5e-2 && f.cosine() >= 0.9999, f.toString());
    assertTrue(f.top1() >= 0.99, f.toString());
  }

  @Test
  @EnabledIfSystemProperty(named = "mobilize.mnn.int8proof", matches = "true")
  void mobilenetV2() throws IOException {
    Path dir = SharedData.dir("models/mobilenet_v2");
    Random random = new Random(20261128);
    Path calib = out.resolve("mobilenet_v2-calib.pb");
    Files.createDirectories(out);
    OnnxTensors.writeFile(calib, "input", normal(random, 32));
    Tensor test = OnnxTensors.readFile(dir.resolve("test_data_set_0/input_0.pb")).tensor();
    Figures f = check("mobilenet_v2", dir, calib, test);
    // 41 of 52: the ten projections that feed a residual Add and the last convolution (into the pooling)
    // have float outputs in the QDQ graph, so they stay float
    assertTrue(f.int8Convs() >= 41, f.toString());
    // the QDQ graph rounds the residual sums to int8 for the next Add too; MNN's model keeps them float
    assertTrue(f.cosine() >= 0.98 && f.top1() == 1, f.toString());
  }

  /** int8 convolutions in the file, relative max error and cosine of the file against the QDQ graph, top-1 agreement. */
  record Figures(int int8Convs, double relativeError, double cosine, double top1) {}

  private Figures check(String name, Path dir, Path calib, Tensor input) throws IOException {
    Model f = Mnn.optimize(new OnnxImporter().read(dir.resolve("model.onnx"), Options.NONE),
        new MnnExporter().expresses());
    Quantizer q = new PostTrainingQuantizer(new CpuGraphExecutor(), List.of(new OnnxTensorFormat()));
    Model qdq = q.quantizeInt8(f, Options.of(Map.of(Quantizer.CALIB, calib.toString())), Quantizer.Progress.NONE)
        .model();
    assertEquals(List.of(), new MnnExporter().check(qdq, Options.NONE));
    Path to = out.resolve(name);
    Path file = new MnnExporter().write(qdq, to, "model", Options.NONE).get(0);
    Model back = Mnn.importer().read(file, Options.NONE);
    int int8 = (int) back.graph().nodes().stream().filter(n -> n.opType().equals("Conv")
        && n.input(1).endsWith("_weight_dequantized")).count();
    String in = f.graph().inputs().get(0).name();
    String outName = f.graph().outputs().get(0).name();
    Tensor expected = Mnn.run(qdq, Map.of(in, input)).get(outName);
    Tensor actual = Mnn.run(back, Map.of(in, input)).get(outName);
    Tensor floats = Mnn.run(f, Map.of(in, input)).get(outName);
    OnnxTensors.writeFile(to.resolve("input.pb"), in, input);
    Files.write(to.resolve("qdq.f32"), expected.toByteArray());
    Files.write(to.resolve("float.f32"), floats.toByteArray());
    Files.write(to.resolve("mnn.f32"), actual.toByteArray());
    Figures fig = new Figures(int8, ReferenceData.relativeError(actual, expected), ReferenceData.cosine(actual, expected),
        top1(actual, expected));
    System.out.printf("MNN int8 %s: %d int8 convolution(s) of %d; file vs QDQ graph: relative max error %.2e, "
        + "cosine %.6f, top-1 %.4f; QDQ vs float cosine %.6f; %d bytes%n", name, int8,
        qdq.graph().nodes().stream().filter(n -> n.opType().endsWith("Conv")).count(), fig.relativeError(),
        fig.cosine(), fig.top1(), ReferenceData.cosine(expected, floats), Files.size(file));
    return fig;
  }

  /** The share of rows (batch items) whose arg max agrees. */
  private static double top1(Tensor a, Tensor b) {
    float[] x = a.toFloatArray();
    float[] y = b.toFloatArray();
    int n = (int) a.dims()[0];
    int k = x.length / n;
    int same = 0;
    for (int i = 0; i < n; i++) {
      same += argMax(x, i * k, k) == argMax(y, i * k, k) ? 1 : 0;
    }
    return (double) same / n;
  }

  private static int argMax(float[] v, int from, int n) {
    int best = 0;
    for (int i = 1; i < n; i++) {
      if (v[from + i] > v[from + best]) {
        best = i;
      }
    }
    return best;
  }

  private static Tensor normal(Random r, int n) {
    float[] v = new float[n * 3 * 224 * 224];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return Tensor.ofFloats(new long[] {n, 3, 224, 224}, v);
  }
}
