package dev.mobilize.mace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import dev.mobilize.service.Options;
import dev.mobilize.service.Problem;
import dev.mobilize.testing.ReferenceData;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Conv and ConvTranspose as MACE ops, above all the forms MACE has no single op for, written as ops
 * it runs: grouped Conv and ConvTranspose (Split, one op per group, Concat), depthwise with a channel
 * multiplier, depthwise ConvTranspose, dilated ConvTranspose, dilation with stride (MACE's Conv2D
 * refuses it), and pads/output_padding that MACE's cut does not split alike (zero taps in the
 * kernel). Each is checked against our runtime on the ONNX graph (fp32 and fp16), and one graph of
 * them all against its golden NetDef text.
 */
class MaceConvFormsTest {

  @TempDir
  Path dir;

  static float[] pattern(int n, int mul, int mod, float scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = ((i * mul) % mod - mod / 2) * scale;
    }
    return v;
  }

  /** x → op(w, b?) with a fused activation when {@code act} is given. */
  static Model single(String op, long[] x, long[] w, Consumer<Attributes.Builder> attrs, boolean bias, String act,
      float... actParams) {
    Attributes.Builder a = Attributes.builder().ints("kernel_shape", w[2], w[3]);
    attrs.accept(a);
    long group = a.build().getInt("group", 1);
    long outChannels = op.equals("Conv") ? w[0] : w[1] * group;
    Node.Builder n = Node.builder(op).name("op").outputs("y");
    if (act != null) {
      n.opType(op.equals("Conv") ? FusedOps.FUSED_CONV : FusedOps.FUSED_CONV_TRANSPOSE).domain("mobilize");
      a.set(FusedOps.ACTIVATION, act);
      if (actParams.length > 0) {
        a.floats(FusedOps.ACTIVATION_PARAMS, actParams);
      }
    }
    n.inputs(bias ? List.of("x", "w", "b") : List.of("x", "w")).attributes(a.build());
    Graph.Builder g = Graph.builder("forms")
        .input(new ValueInfo("x", DataType.FLOAT, Shape.of(x)))
        .initializer("w", Tensor.ofFloats(w, pattern((int) (w[0] * w[1] * w[2] * w[3]), 7, 11, 0.1f)))
        .node(n.build())
        .output(ValueInfo.unknown("y"));
    if (bias) {
      g.initializer("b", Tensor.ofFloats(new long[] {outChannels}, pattern((int) outChannels, 3, 5, 0.2f)));
    }
    return Model.of(g.build(), Map.of("", 17L, "mobilize", 1L));
  }

  static Tensor input(long[] shape) {
    return Tensor.ofFloats(shape, pattern((int) (shape[0] * shape[1] * shape[2] * shape[3]), 13, 17, 0.125f));
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("grouped conv g2, bias, relu", single("Conv", new long[] {1, 4, 6, 6}, new long[] {6, 2, 3, 3},
            a -> a.set("group", 2L).ints("pads", 1, 1, 1, 1), true, "Relu"),
            List.of("Split", "Conv2D", "Conv2D", "Concat")),
        Arguments.of("grouped conv g3, stride 2, dilation 2, hardswish", single("Conv", new long[] {1, 6, 9, 9},
            new long[] {3, 2, 3, 3}, a -> a.set("group", 3L).ints("strides", 2, 2).ints("dilations", 2, 2)
                .ints("pads", 2, 2, 2, 2), false, "HardSwish"),
            List.of("Split", "Conv2D", "Activation", "Eltwise", "Conv2D", "Activation", "Eltwise", "Conv2D",
                "Activation", "Eltwise", "Concat")),
        Arguments.of("depthwise multiplier 2, bias, relu6", single("Conv", new long[] {1, 3, 6, 6},
            new long[] {6, 1, 3, 3}, a -> a.set("group", 3L).ints("pads", 1, 1, 1, 1), true, "Clip", 0f, 6f),
            List.of("DepthwiseConv2d")),
        Arguments.of("depthwise multiplier 3, k5 stride 2 dilation 2", single("Conv", new long[] {1, 2, 7, 7},
            new long[] {6, 1, 5, 5}, a -> a.set("group", 2L).ints("strides", 2, 2).ints("dilations", 2, 2)
                .ints("pads", 4, 4, 4, 4), false, null), List.of("DepthwiseConv2d")),
        Arguments.of("conv stride 2 dilation 2", single("Conv", new long[] {1, 3, 9, 9}, new long[] {4, 3, 3, 3},
            a -> a.ints("strides", 2, 2).ints("dilations", 2, 2).ints("pads", 2, 2, 2, 2), true, null),
            List.of("Conv2D")),
        Arguments.of("deconv k3 s2 p1, bias, relu", single("ConvTranspose", new long[] {1, 3, 5, 6},
            new long[] {3, 4, 3, 3}, a -> a.ints("strides", 2, 2).ints("pads", 1, 1, 1, 1), true, "Relu"),
            List.of("Deconv2D")),
        Arguments.of("deconv k4 s2 p1, leaky", single("ConvTranspose", new long[] {1, 3, 5, 6},
            new long[] {3, 4, 4, 4}, a -> a.ints("strides", 2, 2).ints("pads", 1, 1, 1, 1), false, "LeakyRelu", 0.1f),
            List.of("Deconv2D")),
        Arguments.of("deconv k3 s2 pads [0,0,1,1] output_padding 1, bias", single("ConvTranspose",
            new long[] {1, 3, 5, 6}, new long[] {3, 4, 3, 3}, a -> a.ints("strides", 2, 2).ints("pads", 0, 0, 1, 1)
                .ints("output_padding", 1, 1), true, null), List.of("Deconv2D")),
        Arguments.of("deconv k2x3 s1x2 p0, bias, relu6", single("ConvTranspose", new long[] {1, 3, 5, 6},
            new long[] {3, 4, 2, 3}, a -> a.ints("strides", 1, 2), true, "Clip", 0f, 6f), List.of("Deconv2D")),
        Arguments.of("deconv k3 s2 p1 output_padding 1 (PyTorch upsampling)", single("ConvTranspose",
            new long[] {1, 3, 5, 6}, new long[] {3, 4, 3, 3}, a -> a.ints("strides", 2, 2).ints("pads", 1, 1, 1, 1)
                .ints("output_padding", 1, 1), true, null), List.of("Deconv2D")),
        Arguments.of("deconv pads [0,2,2,0]", single("ConvTranspose", new long[] {1, 3, 5, 6},
            new long[] {3, 2, 3, 3}, a -> a.ints("strides", 2, 2).ints("pads", 0, 2, 2, 0), false, null),
            List.of("Deconv2D")),
        Arguments.of("deconv dilation 2, s2 p2, leaky", single("ConvTranspose", new long[] {1, 3, 5, 6},
            new long[] {3, 4, 3, 3}, a -> a.ints("strides", 2, 2).ints("pads", 2, 2, 2, 2).ints("dilations", 2, 2),
            true, "LeakyRelu", 0.1f), List.of("Deconv2D")),
        Arguments.of("depthwise deconv k4 s2 p1, bias, relu", single("ConvTranspose", new long[] {1, 4, 5, 6},
            new long[] {4, 1, 4, 4}, a -> a.set("group", 4L).ints("strides", 2, 2).ints("pads", 1, 1, 1, 1), true,
            "Relu"), List.of("DepthwiseDeconv2d")),
        Arguments.of("depthwise deconv k3 s2 p1 output_padding 1", single("ConvTranspose", new long[] {1, 4, 5, 6},
            new long[] {4, 1, 3, 3}, a -> a.set("group", 4L).ints("strides", 2, 2).ints("pads", 1, 1, 1, 1)
                .ints("output_padding", 1, 1), true, null), List.of("DepthwiseDeconv2d")),
        Arguments.of("depthwise deconv multiplier 2", single("ConvTranspose", new long[] {1, 3, 5, 6},
            new long[] {3, 2, 3, 3}, a -> a.set("group", 3L).ints("strides", 2, 2), true, null),
            List.of("DepthwiseConv2d", "DepthwiseDeconv2d")),
        Arguments.of("grouped deconv g2 s2 p1 output_padding 1", single("ConvTranspose", new long[] {1, 4, 5, 6},
            new long[] {4, 3, 3, 3}, a -> a.set("group", 2L).ints("strides", 2, 2).ints("pads", 1, 1, 1, 1)
                .ints("output_padding", 1, 1), true, null), List.of("Split", "Deconv2D", "Deconv2D", "Concat")),
        Arguments.of("grouped deconv g2 dilation 2", single("ConvTranspose", new long[] {1, 4, 5, 5},
            new long[] {4, 1, 3, 3}, a -> a.set("group", 2L).ints("dilations", 2, 2), false, null),
            List.of("Split", "Deconv2D", "Deconv2D", "Concat")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void writtenAsMaceOpsThatComputeTheOnnxGraph(String name, Model m, List<String> ops) throws Exception {
    long[] xs = m.graph().inputs().get(0).shape().staticDims().orElseThrow();
    Tensor x = input(xs);
    Tensor expected = Mace.run(Mace.INSPECTOR.inferShapes(m), Map.of("x", x)).get("y");
    for (boolean fp16 : new boolean[] {false, true}) {
      List<Path> files = Mace.exporter().write(m, dir, "forms", Options.of(Map.of("fp16", String.valueOf(fp16))));
      MaceNet.NetDef net = MaceNet.MultiNetDef.parseFrom(Files.readAllBytes(files.get(0))).getNetDef(0);
      assertEquals(ops, net.getOpList().stream().map(MaceNet.OperatorDef::getType).toList(), name);
      for (MaceNet.OperatorDef op : net.getOpList()) {
        assertEquals(op.getOutputCount(), op.getOutputShapeCount(), name + ": " + op.getName() + " output shapes");
      }
      Tensor actual = Mace.run(Mace.importer().read(files.get(0), Options.NONE), Map.of("x", x)).get("y");
      assertArrayEquals(expected.dims(), actual.dims(), name + ": output shape");
      double err = ReferenceData.relativeError(actual, expected);
      assertTrue(err <= (fp16 ? 1e-2 : 1e-6), name + (fp16 ? " fp16" : "") + ": relative error " + err);
    }
  }

  /**
   * x [1,4,5,5] → grouped Conv (g2) → depthwise Conv (multiplier 2) → depthwise ConvTranspose k3 s2 p1
   * output_padding 1 → depthwise ConvTranspose (multiplier 2) → grouped dilated ConvTranspose (g2).
   */
  static Model chain() {
    Graph g = Graph.builder("forms")
        .input(new ValueInfo("x", DataType.FLOAT, Shape.of(1, 4, 5, 5)))
        .initializer("w1", Tensor.ofFloats(new long[] {4, 2, 3, 3}, pattern(72, 7, 11, 0.1f)))
        .initializer("w2", Tensor.ofFloats(new long[] {8, 1, 3, 3}, pattern(72, 5, 13, 0.1f)))
        .initializer("w3", Tensor.ofFloats(new long[] {8, 1, 3, 3}, pattern(72, 3, 7, 0.1f)))
        .initializer("w4", Tensor.ofFloats(new long[] {8, 2, 2, 2}, pattern(64, 7, 9, 0.1f)))
        .initializer("w5", Tensor.ofFloats(new long[] {16, 2, 3, 3}, pattern(288, 11, 13, 0.05f)))
        .initializer("b5", Tensor.ofFloats(new long[] {4}, 0.1f, -0.2f, 0.3f, -0.4f))
        .node(Node.builder("Conv").name("grouped").inputs("x", "w1").outputs("c1")
            .attributes(Attributes.builder().set("group", 2L).ints("pads", 1, 1, 1, 1).build()).build())
        .node(Node.builder("Conv").name("dw_mult").inputs("c1", "w2").outputs("c2")
            .attributes(Attributes.builder().set("group", 4L).ints("pads", 1, 1, 1, 1).build()).build())
        .node(Node.builder("ConvTranspose").name("dw_up").inputs("c2", "w3").outputs("c3")
            .attributes(Attributes.builder().set("group", 8L).ints("strides", 2, 2).ints("pads", 1, 1, 1, 1)
                .ints("output_padding", 1, 1).build()).build())
        .node(Node.builder("ConvTranspose").name("dw_up_mult").inputs("c3", "w4").outputs("c4")
            .attributes(Attributes.builder().set("group", 8L).ints("strides", 2, 2).build()).build())
        .node(Node.builder("ConvTranspose").name("grouped_dilated").inputs("c4", "w5", "b5").outputs("y")
            .attributes(Attributes.builder().set("group", 2L).ints("dilations", 2, 2).ints("pads", 1, 1, 1, 1)
                .build()).build())
        .output(ValueInfo.unknown("y"))
        .build();
    return Model.of(g, Map.of("", 17L));
  }

  @Test
  void netDefOfEveryFormIsExact() throws Exception {
    List<Path> files = Mace.exporter().write(chain(), dir, "forms", Options.NONE);
    MaceNet.MultiNetDef net = MaceNet.MultiNetDef.parseFrom(Files.readAllBytes(files.get(0)));
    String golden;
    try (InputStream in = getClass().getResourceAsStream("conv_forms.pbtxt")) {
      golden = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertEquals(golden, TextFormat.printer().printToString(net));
    Tensor x = input(new long[] {1, 4, 5, 5});
    Tensor expected = Mace.run(Mace.INSPECTOR.inferShapes(chain()), Map.of("x", x)).get("y");
    Tensor actual = Mace.run(Mace.importer().read(files.get(0), Options.NONE), Map.of("x", x)).get("y");
    assertArrayEquals(new long[] {1, 4, 22, 22}, actual.dims());
    assertTrue(ReferenceData.relativeError(actual, expected) <= 1e-6, "relative error " + ReferenceData.relativeError(actual, expected));
  }

  @Test
  void preflightStillRejectsOutputShapeAndSamePadding() {
    Model shape = single("ConvTranspose", new long[] {1, 3, 5, 6}, new long[] {3, 4, 3, 3},
        a -> a.ints("strides", 2, 2).ints("output_shape", 10, 12), false, null);
    Model same = single("ConvTranspose", new long[] {1, 3, 5, 6}, new long[] {3, 4, 3, 3},
        a -> a.ints("strides", 2, 2).set("auto_pad", "SAME_UPPER"), false, null);
    List<Problem> p1 = Mace.exporter().check(shape, Options.NONE);
    List<Problem> p2 = Mace.exporter().check(same, Options.NONE);
    assertEquals(1, p1.size(), p1.toString());
    assertTrue(p1.get(0).toString().contains("output_shape"), p1.get(0).toString());
    assertEquals(1, p2.size(), p2.toString());
    assertTrue(p2.get(0).toString().contains("auto_pad SAME_UPPER"), p2.get(0).toString());
  }
}
