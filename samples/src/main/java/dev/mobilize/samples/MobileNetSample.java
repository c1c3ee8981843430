package dev.mobilize.samples;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.onnx.OnnxExporter;
import dev.mobilize.service.Options;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Generates the bundled sample model {@code samples/mobilenet_tiny.onnx}: a small MobileNetV2-style
 * classifier (3x96x96 input, 10 classes) with deterministic random weights, in the form a PyTorch
 * export has — separate BatchNormalization and Clip(0, 6) nodes, inverted residual blocks with
 * depthwise 3x3 convolutions and residual Adds, global average pooling, Flatten and Gemm — so that
 * every optimization and every exporter has real work to do on it.
 *
 * <p>Run {@code java -cp ... dev.mobilize.samples.MobileNetSample samples} to regenerate; the same
 * code always writes the same bytes ({@code MobileNetSampleTest} checks the committed file).
 */
public final class MobileNetSample {

  /** Input size, channels of the stem and of each block, and the classes. */
  static final int SIZE = 96;
  static final int CLASSES = 10;
  private static final long SEED = 7767517L;

  private final Graph.Builder g = Graph.builder("mobilenet_tiny");
  private final SplittableRandom random = new SplittableRandom(SEED);
  private int counter;

  private MobileNetSample() {}

  /** The sample model. */
  public static Model build() {
    return new MobileNetSample().model();
  }

  public static void main(String[] args) {
    Path dir = Path.of(args.length > 0 ? args[0] : "samples");
    new OnnxExporter().write(build(), dir, "mobilenet_tiny", Options.NONE);
  }

  private Model model() {
    g.input(new ValueInfo("input", DataType.FLOAT, Shape.of(1, 3, SIZE, SIZE)));
    String x = convBnRelu6("input", 3, 16, 3, 2, 1); // 48x48
    x = invertedResidual(x, 16, 8, 1, 1);
    x = invertedResidual(x, 8, 16, 6, 2); // 24x24
    x = invertedResidual(x, 16, 16, 6, 1);
    x = invertedResidual(x, 16, 24, 6, 2); // 12x12
    x = invertedResidual(x, 24, 24, 6, 1);
    x = invertedResidual(x, 24, 32, 6, 2); // 6x6
    x = invertedResidual(x, 32, 32, 6, 1);
    x = convBnRelu6(x, 32, 128, 1, 1, 1);
    String pooled = node("GlobalAveragePool", Attributes.EMPTY, x);
    String flat = node("Flatten", Attributes.builder().set("axis", 1L).build(), pooled);
    String w = weight("classifier.weight", CLASSES, 128);
    String b = constant("classifier.bias", uniform(CLASSES, 0.1f), CLASSES);
    g.node(Node.builder("Gemm").name("classifier").inputs(flat, w, b).outputs("output")
        .attributes(Attributes.builder().set("alpha", 1f).set("beta", 1f).set("transB", 1L).build()).build());
    g.output(new ValueInfo("output", DataType.FLOAT, Shape.of(1, CLASSES)));
    return new Model(g.build(), Map.of("", 13L), 7, "mobilize-samples", "1", "MobileNetV2-style sample with "
        + "deterministic random weights (seed " + SEED + ")", Map.of());
  }

  /** MobileNetV2's block: 1x1 expand, 3x3 depthwise, 1x1 project, residual when shapes allow. */
  private String invertedResidual(String in, int cin, int cout, int expand, int stride) {
    int hidden = cin * expand;
    String x = in;
    if (expand != 1) {
      x = convBnRelu6(x, cin, hidden, 1, 1, 1);
    }
    x = convBnRelu6(x, hidden, hidden, 3, stride, hidden);
    x = convBn(x, hidden, cout, 1, 1, 1);
    if (stride == 1 && cin == cout) {
      x = node("Add", Attributes.EMPTY, in, x);
    }
    return x;
  }

  private String convBnRelu6(String in, int cin, int cout, int k, int stride, int group) {
    String x = convBn(in, cin, cout, k, stride, group);
    String lo = constant("clip_min_" + counter, new float[] {0f});
    String hi = constant("clip_max_" + counter, new float[] {6f});
    return node("Clip", Attributes.EMPTY, x, lo, hi);
  }

  private String convBn(String in, int cin, int cout, int k, int stride, int group) {
    int id = counter;
    String w = weight("conv" + id + ".weight", cout, cin / group, k, k);
    long pad = k / 2;
    Attributes conv = Attributes.builder().ints("dilations", 1, 1).set("group", (long) group)
        .ints("kernel_shape", k, k).ints("pads", pad, pad, pad, pad).ints("strides", stride, stride).build();
    String c = node("Conv", conv, in, w);
    String scale = constant("bn" + id + ".weight", uniform(cout, 0.5f, 1.5f), cout);
    String bias = constant("bn" + id + ".bias", uniform(cout, 0.1f), cout);
    String mean = constant("bn" + id + ".running_mean", uniform(cout, 0.2f), cout);
    String var = constant("bn" + id + ".running_var", uniform(cout, 0.5f, 1.5f), cout);
    return node("BatchNormalization", Attributes.builder().set("epsilon", 1e-5f).set("momentum", 0.9f).build(),
        c, scale, bias, mean, var);
  }

  /** He-style initialisation: uniform with variance 2 / fan_in. */
  private String weight(String name, int... dims) {
    int n = 1;
    int fanIn = 1;
    for (int i = 0; i < dims.length; i++) {
      n *= dims[i];
      if (i > 0) {
        fanIn *= dims[i];
      }
    }
    float bound = (float) Math.sqrt(6.0 / fanIn);
    return constant(name, uniform(n, -bound, bound), dims);
  }

  private String constant(String name, float[] values, int... dims) {
    long[] d = new long[dims.length];
    for (int i = 0; i < dims.length; i++) {
      d[i] = dims[i];
    }
    g.initializer(name, Tensor.ofFloats(dims.length == 0 ? new long[0] : d, values));
    return name;
  }

  private float[] uniform(int n, float scale) {
    return uniform(n, -scale, scale);
  }

  private float[] uniform(int n, float lo, float hi) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (lo + (hi - lo) * random.nextDouble());
    }
    return v;
  }

  private String node(String op, Attributes attrs, String... inputs) {
    String out = op.toLowerCase(java.util.Locale.ROOT) + "_" + counter++;
    g.node(Node.builder(op).name(out).inputs(inputs).outputs(out).attributes(attrs).build());
    return out;
  }
}
