package dev.mobilize.mace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import dev.mobilize.service.Options;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ConvTranspose as Deconv2D on generated graphs: our runtime on the ONNX graph against the same
 * runtime on the exported and re-imported MACE files (bias, fused activation, pads, output_padding).
 */
class MaceDeconvTest {

  @TempDir
  Path dir;

  /** x [1, 3, 5, 6] → (Fused)ConvTranspose(w [3, 4, kh, kw], b?) → y. */
  static Model deconv(long[] kernel, long[] strides, long[] pads, long[] outPad, boolean bias, String act,
      float... actParams) {
    float[] w = new float[3 * 4 * (int) (kernel[0] * kernel[1])];
    for (int i = 0; i < w.length; i++) {
      w[i] = ((i * 7) % 11 - 5) * 0.1f;
    }
    Attributes.Builder a = Attributes.builder().ints("kernel_shape", kernel).ints("strides", strides)
        .ints("pads", pads);
    if (outPad != null) {
      a.ints("output_padding", outPad);
    }
    Node.Builder n = Node.builder("ConvTranspose").name("up").outputs("y");
    if (act != null) {
      n.opType(FusedOps.FUSED_CONV_TRANSPOSE).domain("mobilize");
      a.set(FusedOps.ACTIVATION, act);
      if (actParams.length > 0) {
        a.floats(FusedOps.ACTIVATION_PARAMS, actParams);
      }
    }
    n.inputs(bias ? List.of("x", "w", "b") : List.of("x", "w")).attributes(a.build());
    Graph.Builder g = Graph.builder("deconv")
        .input(new ValueInfo("x", DataType.FLOAT, Shape.of(1, 3, 5, 6)))
        .initializer("w", Tensor.ofFloats(new long[] {3, 4, kernel[0], kernel[1]}, w))
        .node(n.build())
        .output(ValueInfo.unknown("y"));
    if (bias) {
      g.initializer("b", Tensor.ofFloats(new long[] {4}, 0.3f, -0.2f, 0.1f, -0.4f));
    }
    return Model.of(g.build(), Map.of("", 17L, "mobilize", 1L));
  }

  static Tensor input() {
    float[] x = new float[3 * 5 * 6];
    for (int i = 0; i < x.length; i++) {
      x[i] = ((i * 13) % 17 - 8) * 0.125f;
    }
    return Tensor.ofFloats(new long[] {1, 3, 5, 6}, x);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("k3 s2 p1 bias relu", deconv(new long[] {3, 3}, new long[] {2, 2}, new long[] {1, 1, 1, 1},
            null, true, "Relu")),
        Arguments.of("k4 s2 p1 leaky", deconv(new long[] {4, 4}, new long[] {2, 2}, new long[] {1, 1, 1, 1},
            null, false, "LeakyRelu", 0.1f)),
        Arguments.of("k3 s2 output_padding 1 bias", deconv(new long[] {3, 3}, new long[] {2, 2},
            new long[] {0, 0, 1, 1}, new long[] {1, 1}, true, null)),
        Arguments.of("k2x3 s1x2 p0 relu6", deconv(new long[] {2, 3}, new long[] {1, 2}, new long[] {0, 0, 0, 0},
            null, true, "Clip", 0f, 6f)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void roundTripComputesTheOnnxGraph(String name, Model m) throws Exception {
    for (boolean fp16 : new boolean[] {false, true}) {
      List<Path> files = Mace.exporter().write(m, dir, "deconv", Options.of(Map.of("fp16", String.valueOf(fp16))));
      MaceNet.MultiNetDef net = MaceNet.MultiNetDef.parseFrom(Files.readAllBytes(files.get(0)));
      assertEquals("Deconv2D", net.getNetDef(0).getOp(0).getType(), "written as MACE's Deconv2D");
      Model back = Mace.importer().read(files.get(0), Options.NONE);
      Tensor expected = Mace.run(Mace.INSPECTOR.inferShapes(m), Map.of("x", input())).get("y");
      Tensor actual = Mace.run(back, Map.of("x", input())).get("y");
      assertEquals(List.of(expected.dims()[0], expected.dims()[1], expected.dims()[2], expected.dims()[3]),
          List.of(actual.dims()[0], actual.dims()[1], actual.dims()[2], actual.dims()[3]), name + ": output shape");
      double err = Mace.relativeError(actual, expected);
      assertTrue(err <= (fp16 ? 1e-2 : 1e-6), name + (fp16 ? " fp16" : "") + ": relative error " + err);
    }
  }
}
