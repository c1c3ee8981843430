package dev.mobilize.ncnn;

import static dev.mobilize.ncnn.NcnnLayersRoundTripTest.ramp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.onnx.OnnxTensors;
import dev.mobilize.service.Options;
import dev.mobilize.service.Problem;
import dev.mobilize.testing.ReferenceData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * LSTM and GRU as PyTorch exports them with {@code batch_first=True} (X through a Transpose, Y
 * through Squeeze/Transpose or Transpose/Reshape/Transpose): the CPU runtime on the ONNX graph
 * against the CPU runtime on the exported and re-imported ncnn files. {@code -Dncnn.dump=DIR}
 * leaves each case for real ncnn as {@link NcnnLayersRoundTripTest} does.
 */
class NcnnRecurrentRoundTripTest {

  static final int T = 6;
  static final int I = 3;
  static final int H = 4;

  @TempDir
  Path dir;

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("lstm_forward", pytorch("LSTM", "forward", Attributes.EMPTY, false, true)),
        Arguments.of("lstm_reverse_states", pytorch("LSTM", "reverse", Attributes.EMPTY, true, false)),
        Arguments.of("lstm_bidirectional", pytorch("LSTM", "bidirectional", Attributes.EMPTY, false, false)),
        Arguments.of("gru_forward", pytorch("GRU", "forward", lbr(), true, true)),
        Arguments.of("gru_bidirectional", pytorch("GRU", "bidirectional", lbr(), false, false)),
        Arguments.of("lstm_layout1", layout1()),
        Arguments.of("lstm_two_layers", pytorch("LSTM", "forward", Attributes.EMPTY, false, false, 2)),
        Arguments.of("gru_two_layers_bidirectional", pytorch("GRU", "bidirectional", lbr(), false, false, 2)));
  }

  static Attributes lbr() {
    return Attributes.builder().set("linear_before_reset", 1L).build();
  }

  /**
   * {@code x [1,T,I] → Transpose → op → Y [T,dirs,1,H] → (uni) Squeeze → Transpose | (bi) Transpose
   * [0,2,1,3] → Reshape [0,0,-1] → Transpose → y [1,T,dirs·H]}, optionally with constant initial
   * states and Y_h as a second output (uni only).
   */
  static Model pytorch(String op, String direction, Attributes extra, boolean states, boolean yh) {
    return pytorch(op, direction, extra, states, yh, 1);
  }

  /**
   * As above with {@code layers} stacked layers (PyTorch's num_layers): layer k + 1 reads layer k's
   * Y through the same Squeeze or Transpose/Reshape, without the batch Transposes.
   */
  static Model pytorch(String op, String direction, Attributes extra, boolean states, boolean yh, int layers) {
    boolean lstm = op.equals("LSTM");
    int gates = lstm ? 4 : 3;
    int dirs = direction.equals("bidirectional") ? 2 : 1;
    Graph.Builder g = Graph.builder("rnn")
        .input(new ValueInfo("x", DataType.FLOAT, Shape.of(1, T, I)))
        .initializer("W", ramp(new long[] {dirs, gates * H, I}, 0.6f))
        .initializer("R", ramp(new long[] {dirs, gates * H, H}, 0.45f))
        .initializer("B", ramp(new long[] {dirs, 2 * gates * H}, 0.3f))
        .node(Node.builder("Transpose").name("in_t").inputs("x").outputs("xt")
            .attributes(Attributes.builder().ints("perm", 1, 0, 2).build()).build());
    List<String> ins = new ArrayList<>(List.of("xt", "W", "R", "B"));
    if (states) {
      ins.add("");
      g.initializer("h0", ramp(new long[] {dirs, 1, H}, 0.5f));
      ins.add("h0");
      if (lstm) {
        g.initializer("c0", ramp(new long[] {dirs, 1, H}, -0.7f));
        ins.add("c0");
      }
    }
    String in = "xt";
    for (int k = 0; k < layers; k++) {
      String sfx = k == 0 ? "" : "_" + k;
      List<String> layerIns = new ArrayList<>(ins);
      layerIns.set(0, in);
      if (k > 0) {
        g.initializer("W" + sfx, ramp(new long[] {dirs, gates * H, dirs * H}, 0.5f));
        g.initializer("R" + sfx, ramp(new long[] {dirs, gates * H, H}, -0.4f));
        g.initializer("B" + sfx, ramp(new long[] {dirs, 2 * gates * H}, -0.2f));
        layerIns.set(1, "W" + sfx);
        layerIns.set(2, "R" + sfx);
        layerIns.set(3, "B" + sfx);
      }
      boolean last = k == layers - 1;
      String yk = "Y" + sfx;
      g.node(Node.builder(op).name("rnn" + sfx).inputs(layerIns).outputs(yk, last ? "Y_h" : "Y_h_l" + k)
          .attributes(extra.toBuilder().set("direction", direction).set("hidden_size", (long) H).build()).build());
      String seq = last ? "ys" : "seq" + sfx;
      if (dirs == 1) {
        g.initializer("axis1", Tensor.vector(1))
            .node(Node.builder("Squeeze").name("sq" + sfx).inputs(yk, "axis1").outputs(last ? "ys" : seq).build());
      } else {
        g.initializer("flat", Tensor.vector(0, 0, -1))
            .node(Node.builder("Transpose").name("t1" + sfx).inputs(yk).outputs("yt" + sfx)
                .attributes(Attributes.builder().ints("perm", 0, 2, 1, 3).build()).build())
            .node(Node.builder("Reshape").name("r" + sfx).inputs("yt" + sfx, "flat").outputs(seq).build());
      }
      in = seq;
    }
    g.node(Node.builder("Transpose").name("out_t").inputs("ys").outputs("y")
        .attributes(Attributes.builder().ints("perm", 1, 0, 2).build()).build());
    g.output(new ValueInfo("y", DataType.FLOAT, Shape.of(1, T, dirs * H)));
    if (yh) {
      g.output(new ValueInfo("Y_h", DataType.FLOAT, Shape.of(1, 1, H)));
    }
    return Model.of(g.build(), Map.of("", 21L));
  }

  /** {@code x [1,T,I] → LSTM (layout 1) → Y [1,T,1,H] → Reshape → y [1,T,H]}. */
  static Model layout1() {
    Graph g = Graph.builder("rnn")
        .input(new ValueInfo("x", DataType.FLOAT, Shape.of(1, T, I)))
        .initializer("W", ramp(new long[] {1, 4 * H, I}, 0.6f))
        .initializer("R", ramp(new long[] {1, 4 * H, H}, 0.45f))
        .initializer("shape", Tensor.vector(1, T, H))
        .node(Node.builder("LSTM").name("rnn").inputs("x", "W", "R").outputs("Y")
            .attributes(Attributes.builder().set("layout", 1L).set("hidden_size", (long) H).build()).build())
        .node(Node.builder("Reshape").name("r").inputs("Y", "shape").outputs("y").build())
        .output(new ValueInfo("y", DataType.FLOAT, Shape.of(1, T, H)))
        .build();
    return Model.of(g, Map.of("", 21L));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void exportedRecurrentLayersComputeWhatTheGraphComputes(String name, Model m) throws Exception {
    Tensor x = ramp(new long[] {1, T, I}, 1.3f);
    Map<String, Tensor> expected = Ncnn.run(m, Map.of("x", x));
    Ncnn.exporter().write(m, dir, name, Options.NONE);
    Model back = Ncnn.importer().read(dir.resolve(name + ".param"), Options.NONE);
    Map<String, Tensor> actual = Ncnn.run(back, Map.of("x", x));
    for (ValueInfo out : m.graph().outputs()) {
      Tensor e = expected.get(out.name());
      Tensor a = actual.get(out.name());
      assertTrue(a != null, name + ": no output " + out.name() + " in " + actual.keySet());
      assertEquals(e.shape().toString(), a.shape().toString(), name + ": shape of " + out.name());
      double err = ReferenceData.relativeError(a, e);
      assertTrue(err < 1e-5, name + ": " + out.name() + " max rel err " + err);
    }
    String dump = System.getProperty("ncnn.dump");
    if (dump != null) {
      Path d = Path.of(dump, name);
      Files.createDirectories(d);
      for (String f : List.of(".param", ".bin")) {
        Files.copy(dir.resolve(name + f), d.resolve(name + f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      OnnxTensors.writeFile(d.resolve("input_0.pb"), "x", x);
      OnnxTensors.writeFile(d.resolve("output_0.pb"), "y", expected.get("y"));
      if (expected.containsKey("Y_h")) {
        OnnxTensors.writeFile(d.resolve("output_1.pb"), "Y_h", expected.get("Y_h"));
      }
    }
  }

  /** The bidirectional LSTM is one ncnn LSTM layer between the input and the output blob. */
  @Test
  void bidirectionalLstmParamTextIsTheGoldenFile() throws Exception {
    Ncnn.exporter().write(pytorch("LSTM", "bidirectional", Attributes.EMPTY, false, false), dir, "lstm", Options.NONE);
    String expected;
    try (java.io.InputStream in = getClass().getResourceAsStream("lstm_bidirectional.param")) {
      expected = in == null ? "(golden file lstm_bidirectional.param is missing)"
          : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    String actual = Files.readString(dir.resolve("lstm.param"));
    if (!actual.equals(expected)) {
      Path review = Path.of("target", "golden-actual", "lstm_bidirectional.param");
      Files.createDirectories(review.getParent());
      Files.writeString(review, actual);
    }
    assertEquals(expected, actual);
  }

  @Test
  void gruWithoutLinearBeforeResetIsReportedBeforeWriting() {
    List<Problem> problems = Ncnn.exporter().check(pytorch("GRU", "forward", Attributes.EMPTY, false, false),
        Options.NONE);
    assertTrue(problems.stream().anyMatch(p -> p.toString().contains("'rnn' (GRU): linear_before_reset=0")),
        problems.toString());
  }

  @Test
  void lstmWithClipOrOtherActivationsIsReported() {
    List<Problem> clip = Ncnn.exporter().check(pytorch("LSTM", "forward",
        Attributes.builder().set("clip", 3f).build(), false, false), Options.NONE);
    assertTrue(clip.stream().anyMatch(p -> p.toString().contains("'rnn' (LSTM): clip is set")), clip.toString());
    List<Problem> acts = Ncnn.exporter().check(pytorch("LSTM", "forward",
        Attributes.builder().strings("activations", List.of("Sigmoid", "Relu", "Tanh")).build(), false, false),
        Options.NONE);
    assertTrue(acts.stream().anyMatch(p -> p.toString().contains("'rnn' (LSTM): activations")), acts.toString());
  }

  @Test
  void batchOfTwoIsReported() {
    Graph g = Graph.builder("rnn")
        .input(new ValueInfo("x", DataType.FLOAT, Shape.of(T, 2, I)))
        .initializer("W", ramp(new long[] {1, 4 * H, I}, 0.6f))
        .initializer("R", ramp(new long[] {1, 4 * H, H}, 0.45f))
        .node(Node.builder("LSTM").name("rnn").inputs("x", "W", "R").outputs("Y")
            .attributes(Attributes.builder().set("hidden_size", (long) H).build()).build())
        .output(new ValueInfo("Y", DataType.FLOAT, Shape.of(T, 1, 2, H)))
        .build();
    List<Problem> problems = Ncnn.exporter().check(Model.of(g, Map.of("", 21L)), Options.NONE);
    assertTrue(problems.stream().anyMatch(p -> p.toString().contains("the batch is 2")), problems.toString());
  }
}
