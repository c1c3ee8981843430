package dev.mobilize.mace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.TextFormat;
import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.FusedOps;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.mace.proto.MaceNet;
import dev.mobilize.onnx.OnnxTensorFormat;
import dev.mobilize.onnx.OnnxTensors;
import dev.mobilize.quant.PostTrainingQuantizer;
import dev.mobilize.service.Options;
import dev.mobilize.service.Quantizer;
import dev.mobilize.testing.ReferenceData;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * int8 to MACE on a small QDQ graph made by plugin.quant's quantizer: exact NetDef text of the
 * uint8 ops, and the round trip (QDQ graph → MACE → import → our runtime) against our runtime's
 * int8 result on the QDQ graph.
 */
class MaceInt8Test {

  @TempDir
  static Path dir;

  private static Model qdq;

  /**
   * data[1,2,8,8] → FusedConv(Relu) → MaxPool → depthwise FusedConv(Clip 0..6) → Conv 1x1 →
   * GlobalAveragePool → Flatten → Gemm. The 1x1 convolution feeds a float op and stays float.
   */
  static Model floatModel() {
    Random r = new Random(7);
    Graph g = Graph.builder("small")
        .input(new ValueInfo("data", DataType.FLOAT, Shape.of(1, 2, 8, 8)))
        .initializer("w1", random(r, 4, 2, 3, 3))
        .initializer("b1", random(r, 4))
        .initializer("dw", random(r, 4, 1, 3, 3))
        .initializer("dwb", random(r, 4))
        .initializer("pw", random(r, 4, 4, 1, 1))
        .initializer("fc", random(r, 3, 4))
        .initializer("fcb", random(r, 3))
        .node(Node.builder(FusedOps.FUSED_CONV).domain("mobilize").name("conv").inputs("data", "w1", "b1")
            .outputs("c").attributes(Attributes.builder().ints("pads", 1, 1, 1, 1).ints("kernel_shape", 3, 3)
                .set(FusedOps.ACTIVATION, "Relu").build()).build())
        .node(Node.builder("MaxPool").name("pool").inputs("c").outputs("p")
            .attributes(Attributes.builder().ints("kernel_shape", 2, 2).ints("strides", 2, 2).build()).build())
        .node(Node.builder(FusedOps.FUSED_CONV).domain("mobilize").name("depthwise").inputs("p", "dw", "dwb")
            .outputs("d").attributes(Attributes.builder().ints("pads", 1, 1, 1, 1).ints("kernel_shape", 3, 3)
                .set("group", 4L).set(FusedOps.ACTIVATION, "Clip").floats(FusedOps.ACTIVATION_PARAMS, 0f, 6f)
                .build()).build())
        .node(Node.builder("Conv").name("pointwise").inputs("d", "pw").outputs("e")
            .attributes(Attributes.builder().ints("kernel_shape", 1, 1).build()).build())
        .node(Node.builder("GlobalAveragePool").name("gap").inputs("e").outputs("g").build())
        .node(Node.builder("Flatten").name("flat").inputs("g").outputs("f").build())
        .node(Node.builder("Gemm").name("fc").inputs("f", "fc", "fcb").outputs("logits")
            .attributes(Attributes.builder().set("transB", 1L).build()).build())
        .output(ValueInfo.unknown("logits"))
        .build();
    return Mace.INSPECTOR.inferShapes(Model.of(g, Map.of("", 17L, "mobilize", 1L)));
  }

  private static Tensor random(Random r, long... dims) {
    long n = 1;
    for (long d : dims) {
      n *= d;
    }
    float[] v = new float[(int) n];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextGaussian() * 0.5f;
    }
    return Tensor.ofFloats(dims, v);
  }

  private static Tensor input(Random r, int n) {
    return random(r, n, 2, 8, 8);
  }

  @BeforeAll
  static void quantize() throws Exception {
    Path calib = dir.resolve("calib.pb");
    OnnxTensors.writeFile(calib, "data", input(new Random(11), 16));
    Quantizer q = new PostTrainingQuantizer(Mace.EXECUTOR, List.of(new OnnxTensorFormat()));
    qdq = q.quantizeInt8(floatModel(), Options.of(Map.of(Quantizer.CALIB, calib.toString(), Quantizer.METHOD,
        "minmax")), Quantizer.Progress.NONE).model();
  }

  private static MaceNet.NetDef write(String name) throws Exception {
    List<Path> files = Mace.exporter().write(qdq, dir, name, Options.NONE);
    return MaceNet.MultiNetDef.parseFrom(Files.readAllBytes(files.get(0))).getNetDef(0);
  }

  @Test
  void netDefIsExact() throws Exception {
    MaceNet.NetDef net = write("golden");
    String golden;
    try (InputStream in = getClass().getResourceAsStream("small_int8.pbtxt")) {
      golden = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertEquals(golden, TextFormat.printer().printToString(net));
  }

  @Test
  void quantizedOpsAreUint8AndTheRestFloat() throws Exception {
    MaceNet.NetDef net = write("types");
    Map<String, String> types = net.getOpList().stream().collect(Collectors.toMap(MaceNet.OperatorDef::getName,
        o -> o.getType() + ":" + new Args(o).i("T", 1)));
    assertEquals("Conv2D:2", types.get("conv"));
    assertEquals("Pooling:2", types.get("pool"));
    assertEquals("DepthwiseConv2d:2", types.get("depthwise"));
    assertEquals("Conv2D:1", types.get("pointwise"), "its output has no scale: float");
    assertEquals("Conv2D:2", types.get("fc"), "the Gemm runs as a uint8 1x1 convolution");
    for (MaceNet.ConstTensor t : net.getTensorsList()) {
      if (t.getDataType() == MaceNet.DataType.DT_UINT8) {
        assertEquals(128, t.getZeroPoint(), t.getName());
        assertTrue(t.getScale() > 0, t.getName());
      }
    }
  }

  /** QDQ graph → MACE → import → our runtime agrees with our runtime's int8 result on the QDQ graph. */
  @Test
  void roundTripMatchesTheQdqGraph() throws Exception {
    List<Path> files = Mace.exporter().write(qdq, dir, "trip", Options.NONE);
    Model back = Mace.importer().read(files.get(0), Options.NONE);
    assertTrue(back.graph().nodes().stream().anyMatch(n -> n.opType().equals("QuantizeLinear")));
    Random r = new Random(99);
    double worst = 0;
    double cosine = 1;
    for (int i = 0; i < 8; i++) {
      Tensor x = input(r, 1);
      Tensor want = Mace.run(qdq, Map.of("data", x)).get("logits");
      Tensor got = Mace.run(back, Map.of("data", x)).get("logits");
      worst = Math.max(worst, ReferenceData.relativeError(got, want));
      cosine = Math.min(cosine, ReferenceData.cosine(got, want));
    }
    // measured: 0.0100 and 0.99988 (per-tensor weight scales, MACE's wider Relu range, rounding)
    assertTrue(worst < 0.03 && cosine > 0.9995, "relative max error " + worst + ", cosine " + cosine);
  }
}
