package dev.mobilize.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
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
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A QDQ model (min-max scales, {@link QdqFixture}) of a small MobileNet-like block: 3x3 conv with
 * Relu6, strided depthwise with Relu6, 1x1 conv, global pooling and Gemm, run by ONNX Runtime (which
 * fuses the QDQ patterns into its own int8 kernels) and by the cpu executor's int8 kernels. The
 * int8 results may differ by one unit where the two round the requantization multiplier differently
 * (ours: {@code x_scale * W_scale / y_scale} in double, rounded once to float). Asymmetric: the
 * never-negative activations (after the Clips, and a Relu before the Gemm) have zero point -128.
 */
class Int8OrtOracleTest {

  private static final Logger LOG = LoggerFactory.getLogger(Int8OrtOracleTest.class);

  @TempDir
  Path tmp;

  private final Random random = new Random(5);

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void int8OutputsMatchOnnxRuntimeWithinOneUnit(boolean asymmetric) throws Exception {
    Graph.Builder b = Graph.builder("block").input(new ValueInfo("x", DataType.FLOAT, Shape.of(1, 8, 24, 24)));
    b.initializer("w0", floats(new long[] {16, 8, 3, 3}, 0.3f)).initializer("b0", floats(new long[] {16}, 0.2f));
    b.initializer("w1", floats(new long[] {16, 1, 3, 3}, 0.5f)).initializer("b1", floats(new long[] {16}, 0.2f));
    b.initializer("w2", floats(new long[] {24, 16, 1, 1}, 0.4f)).initializer("b2", floats(new long[] {24}, 0.2f));
    b.initializer("wg", floats(new long[] {10, 24}, 0.4f)).initializer("bg", floats(new long[] {10}, 0.2f));
    b.initializer("zero", Tensor.scalar(0f)).initializer("six", Tensor.scalar(6f));
    b.node(conv("x", "w0", "b0", "c0", 1, 1, 1)).node(clip("c0", "r0"))
        .node(conv("r0", "w1", "b1", "c1", 2, 16, 1)).node(clip("c1", "r1"))
        .node(conv("r1", "w2", "b2", "c2", 1, 1, 0))
        .node(Node.builder("GlobalAveragePool").inputs("c2").outputs("p").build())
        .node(Node.builder("Flatten").inputs("p").outputs(asymmetric ? "f0" : "f").build());
    if (asymmetric) {
      b.node(Node.builder("Relu").inputs("f0").outputs("f").build());
    }
    b.node(Node.builder("Gemm").inputs("f", "wg", "bg").outputs("y")
            .attributes(Attributes.builder().set("transB", 1L).build()).build())
        .output(new ValueInfo("c2", DataType.FLOAT, Shape.UNKNOWN))
        .output(new ValueInfo("y", DataType.FLOAT, Shape.UNKNOWN));
    float[] x = new float[8 * 24 * 24];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    Tensor in = Tensor.ofFloats(new long[] {1, 8, 24, 24}, x);
    Model q = QdqFixture.quantize(Model.of(b.build(), Map.of("", 21L)), Map.of("x", in), false, asymmetric);
    List<Node> fused = FuseQdqForCpu.apply(q.graph()).nodes().stream().filter(n -> n.opType().startsWith("Int8"))
        .toList();
    assertEquals(4, fused.size(), "three convs and the Gemm run as int8 kernels");
    // conv0 and conv1 write, conv1, conv2 and the Gemm read a tensor with zero point -128
    assertEquals(asymmetric ? List.of(0L, -128L, -128L, -128L) : List.of(0L, 0L, 0L, 0L),
        fused.stream().map(n -> n.attributes().getInt("x_zero_point", 0)).toList());
    assertEquals(asymmetric ? List.of(-128L, -128L, 0L, 0L) : List.of(0L, 0L, 0L, 0L),
        fused.stream().map(n -> n.attributes().getInt("y_zero_point", 0)).toList());
    Path file = new OnnxExporter().write(q, tmp, "qdq", Options.NONE).get(0);

    Map<String, Tensor> ours;
    try (CpuPreparedModel p = new CpuGraphExecutor().prepare(q, Options.of(Map.of("threads", "2")))) {
      ours = p.run(Map.of("x", in));
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    int total = 0;
    int off = 0;
    try (OrtSession s = env.createSession(file.toString(), new OrtSession.SessionOptions());
        OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {1, 8, 24, 24});
        OrtSession.Result r = s.run(Map.of("x", t))) {
      for (String name : List.of(QdqFixture.quantizedName("c2"), QdqFixture.quantizedName("y"))) {
        ByteBuffer ort = ((OnnxTensor) r.get(name).orElseThrow()).getByteBuffer();
        byte[] mine = ours.get(name).toByteArray();
        assertEquals(mine.length, ort.remaining(), name);
        for (int i = 0; i < mine.length; i++) {
          int d = Math.abs(mine[i] - ort.get(i));
          assertTrue(d <= 1, name + "[" + i + "]: ours " + mine[i] + ", onnxruntime " + ort.get(i));
          off += d;
        }
        total += mine.length;
      }
    }
    LOG.info("int8 outputs against onnxruntime: {} of {} differ by one unit", off, total);
    assertTrue(off * 100 <= total, off + " of " + total + " int8 outputs differ from onnxruntime, expected at most 1%");
  }

  private Tensor floats(long[] shape, float range) {
    int n = 1;
    for (long d : shape) {
      n *= (int) d;
    }
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (random.nextFloat() * 2 - 1) * range;
    }
    return Tensor.ofFloats(shape, v);
  }

  private static Node conv(String x, String w, String b, String y, int stride, int group, int pad) {
    return Node.builder("Conv").inputs(x, w, b).outputs(y).attributes(Attributes.builder()
        .ints("strides", stride, stride).ints("pads", pad, pad, pad, pad).set("group", group).build()).build();
  }

  private static Node clip(String x, String y) {
    return Node.builder("Clip").inputs(x, "zero", "six").outputs(y).build();
  }
}
