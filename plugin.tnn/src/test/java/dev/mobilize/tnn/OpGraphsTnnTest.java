package dev.mobilize.tnn;

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
import dev.mobilize.service.Options;
import dev.mobilize.service.Problem;
import dev.mobilize.testing.ReferenceData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * One small generated graph per op the exporter writes beyond the shared models: the CPU runtime on
 * the ONNX graph and on the exported-and-reimported TNN model agree (relative max error 1e-5).
 * With system property {@code mobilize.tnn.dump} set to a folder, each case's .tnnproto/.tnnmodel,
 * raw float inputs and expected outputs are left there for a check in real TNN.
 */
class OpGraphsTnnTest {

  @TempDir
  Path dir;

  /** A case: a graph with float inputs named x (and y), its output z. */
  record Case(String name, Graph graph) {}

  static final long[] X = {1, 4, 6, 6};

  static Node node(String op, List<String> in, Attributes a) {
    return Node.builder(op).name(op.toLowerCase() + "_node").inputs(in).outputs(List.of("z")).attributes(a).build();
  }

  static Graph.Builder graph(long[]... inputs) {
    Graph.Builder g = Graph.builder("op");
    String[] names = {"x", "y"};
    for (int i = 0; i < inputs.length; i++) {
      g.input(new ValueInfo(names[i], DataType.FLOAT, Shape.of(inputs[i])));
    }
    return g.output(ValueInfo.unknown("z"));
  }

  static Case one(String name, String op, Attributes a, String... constants) {
    return one(name, X, op, a, constants);
  }

  /** op(x, constants...) where constants are given as name=tensor pairs through {@link #CONSTS}. */
  static Case one(String name, long[] x, String op, Attributes a, String... constants) {
    Graph.Builder g = graph(x);
    List<String> in = new ArrayList<>(List.of("x"));
    for (String c : constants) {
      in.add(c);
      if (!c.isEmpty()) {
        g.initializer(c, CONSTS.get(c));
      }
    }
    return new Case(name, g.node(node(op, in, a)).build());
  }

  static float[] ramp(int n, float from, float step) {
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = from + ((i * 7) % 11) * step;
    }
    return f;
  }

  static final Map<String, Tensor> CONSTS = Map.ofEntries(
      Map.entry("scales2", Tensor.ofFloats(new long[] {4}, 1f, 1f, 2f, 2f)),
      Map.entry("sizes", Tensor.ofLongs(new long[] {4}, 1, 4, 12, 9)),
      Map.entry("pads", Tensor.ofLongs(new long[] {8}, 0, 0, 1, 2, 0, 0, 2, 1)),
      Map.entry("padvalue", Tensor.scalar(0.5f)),
      Map.entry("wt", Tensor.ofFloats(new long[] {4, 3, 3, 3}, ramp(108, -0.5f, 0.1f))),
      Map.entry("wtg", Tensor.ofFloats(new long[] {4, 2, 2, 2}, ramp(32, -0.4f, 0.09f))),
      Map.entry("bt", Tensor.ofFloats(new long[] {3}, 0.1f, -0.2f, 0.3f)),
      Map.entry("gamma4", Tensor.ofFloats(new long[] {4}, 1f, 0.5f, 2f, -1f)),
      Map.entry("beta4", Tensor.ofFloats(new long[] {4}, 0f, 0.1f, -0.2f, 0.3f)),
      Map.entry("gamma6", Tensor.ofFloats(new long[] {6}, ramp(6, 0.5f, 0.2f))),
      Map.entry("beta6", Tensor.ofFloats(new long[] {6}, ramp(6, -0.3f, 0.1f))),
      Map.entry("gamma36", Tensor.ofFloats(new long[] {6, 6}, ramp(36, 0.5f, 0.2f))),
      Map.entry("beta36", Tensor.ofFloats(new long[] {6, 6}, ramp(36, -0.3f, 0.1f))),
      Map.entry("axes1", Tensor.ofLongs(new long[] {1}, 1)),
      Map.entry("axes23", Tensor.ofLongs(new long[] {2}, 2, 3)),
      Map.entry("axes0", Tensor.ofLongs(new long[] {1}, 0)),
      Map.entry("idx", Tensor.ofLongs(new long[] {3}, 3, 0, -1)),
      Map.entry("slope4", Tensor.ofFloats(new long[] {4, 1, 1}, 0.1f, 0.2f, -0.3f, 0.4f)),
      Map.entry("c4", Tensor.ofFloats(new long[] {4, 1, 1}, 0.1f, -0.2f, 0.3f, 0f)),
      Map.entry("w64", Tensor.ofFloats(new long[] {6, 4}, ramp(24, -0.5f, 0.1f))));

  static Attributes.Builder attrs() {
    return Attributes.builder();
  }

  static List<Case> cases() {
    List<Case> c = new ArrayList<>();
    c.add(one("resize_nearest", "Resize", attrs().set("mode", "nearest")
        .set("coordinate_transformation_mode", "asymmetric").set("nearest_mode", "floor").build(), "", "scales2"));
    c.add(one("resize_linear", "Resize", attrs().set("mode", "linear")
        .set("coordinate_transformation_mode", "half_pixel").build(), "", "", "sizes"));
    c.add(one("resize_linear_align", "Resize", attrs().set("mode", "linear")
        .set("coordinate_transformation_mode", "align_corners").build(), "", "scales2"));
    c.add(one("pad_constant", "Pad", attrs().set("mode", "constant").build(), "pads", "padvalue"));
    c.add(one("pad_reflect", "Pad", attrs().set("mode", "reflect").build(), "pads"));
    c.add(one("conv_transpose", "ConvTranspose", attrs().ints("strides", 2, 2).ints("pads", 1, 1, 1, 1)
        .ints("kernel_shape", 3, 3).build(), "wt", "bt"));
    c.add(one("conv_transpose_group", "ConvTranspose", attrs().ints("strides", 2, 2).set("group", 2L)
        .ints("kernel_shape", 2, 2).build(), "wtg"));
    c.add(one("instance_norm", "InstanceNormalization", attrs().set("epsilon", 1e-3f).build(), "gamma4", "beta4"));
    c.add(one("layer_norm_last", "LayerNormalization", attrs().set("axis", -1L).build(), "gamma6", "beta6"));
    c.add(one("layer_norm_two", "LayerNormalization", attrs().set("axis", 2L).set("epsilon", 1e-3f).build(),
        "gamma36", "beta36"));
    c.add(one("reduce_sum", "ReduceSum", attrs().build(), "axes1"));
    c.add(one("reduce_max", "ReduceMax", attrs().ints("axes", 2, 3).set("keepdims", 0L).build()));
    c.add(one("reduce_min", "ReduceMin", attrs().ints("axes", 1).build()));
    c.add(one("reduce_mean_channel", "ReduceMean", attrs().ints("axes", 1).set("keepdims", 0L).build()));
    c.add(one("reduce_prod", "ReduceProd", attrs().ints("axes", 3).build()));
    c.add(one("reduce_l2", "ReduceL2", attrs().ints("axes", 2, 3).build()));
    c.add(one("gather", "Gather", attrs().set("axis", 1L).build(), "idx"));
    c.add(new Case("squeeze_unsqueeze", graph(X)
        .initializer("axes0", CONSTS.get("axes0"))
        .node(Node.builder("Squeeze").name("sq").inputs("x", "axes0").outputs("s").build())
        .node(Node.builder("Unsqueeze").name("unsq").inputs("s", "axes0").outputs("z").build()).build()));
    c.add(new Case("matmul_blobs", graph(new long[] {1, 2, 3, 4}, new long[] {1, 2, 4, 5})
        .node(node("MatMul", List.of("x", "y"), Attributes.EMPTY)).build()));
    c.add(one("matmul_const", "MatMul", Attributes.EMPTY, "w64"));
    for (String op : List.of("Tanh", "Abs", "Exp", "Neg", "Erf", "Floor")) {
      c.add(one(op.toLowerCase(), op, Attributes.EMPTY));
    }
    for (String op : List.of("Log", "Sqrt", "Reciprocal")) {
      c.add(new Case(op.toLowerCase(), graph(X)
          .node(Node.builder("Abs").name("abs").inputs("x").outputs("a").build())
          .initializer("one", Tensor.scalar(1f))
          .node(Node.builder("Add").name("plus1").inputs("a", "one").outputs("p").build())
          .node(Node.builder(op).name(op.toLowerCase()).inputs("p").outputs("z").build()).build()));
    }
    c.add(one("elu", "Elu", attrs().set("alpha", 0.7f).build()));
    c.add(one("leaky_relu", "LeakyRelu", attrs().set("alpha", 0.05f).build()));
    c.add(one("prelu", "PRelu", Attributes.EMPTY, "slope4"));
    c.add(one("max_const", "Max", Attributes.EMPTY, "c4"));
    c.add(new Case("min_blobs", graph(X, X).node(node("Min", List.of("x", "y"), Attributes.EMPTY)).build()));
    return c;
  }

  static Map<String, Tensor> inputs(Graph g) {
    Map<String, Tensor> in = new LinkedHashMap<>();
    int k = 0;
    for (ValueInfo v : g.inputs()) {
      long[] d = v.shape().staticDims().orElseThrow();
      int n = 1;
      for (long x : d) {
        n *= (int) x;
      }
      float[] f = new float[n];
      for (int i = 0; i < n; i++) {
        f[i] = (float) Math.sin(i * 0.37 + k) * 1.5f;
      }
      in.put(v.name(), Tensor.ofFloats(d, f));
      k++;
    }
    return in;
  }

  @TestFactory
  Stream<DynamicTest> everyOpRoundTripsThroughTnn() {
    return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
  }

  void check(Case c) throws IOException {
    Model onnx = Model.of(c.graph(), Map.of("", 17L));
    Map<String, Tensor> in = inputs(c.graph());
    Tensor expected = Tnn.run(onnx, in).get("z");
    List<Path> files = Tnn.exporter().write(onnx, dir.resolve(c.name()), c.name(), Options.NONE);
    Model back = Tnn.importer().read(files.get(0), Options.NONE);
    Tensor actual = Tnn.run(back, in).get("z");
    assertTrue(actual != null, c.name() + ": no output z");
    double err = ReferenceData.relativeError(actual, expected);
    assertEquals(expected.dims().length, actual.dims().length, c.name() + ": rank");
    assertTrue(err <= 1e-5, c.name() + ": relative max error " + err);
    String dump = System.getProperty("mobilize.tnn.dump");
    if (dump != null) {
      Path d = Files.createDirectories(Path.of(dump).resolve(c.name()));
      for (Path f : files) {
        Files.copy(f, d.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      for (Map.Entry<String, Tensor> e : in.entrySet()) {
        Files.write(d.resolve("in_" + e.getKey() + ".raw"), raw(e.getValue()));
      }
      Files.write(d.resolve("expected.raw"), raw(expected));
    }
  }

  static byte[] raw(Tensor t) {
    float[] f = t.toFloatArray();
    ByteBuffer b = ByteBuffer.allocate(f.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : f) {
      b.putFloat(v);
    }
    return b.array();
  }

  @Test
  void preflightNamesWhatRemainsUnsupported() {
    Graph g = graph(X)
        .node(Node.builder("Resize").name("cubic").inputs("x", "", "s").outputs("r")
            .attributes(attrs().set("mode", "cubic").build()).build())
        .initializer("s", CONSTS.get("scales2"))
        .node(Node.builder("Pad").name("edge").inputs("r", "p").outputs("e")
            .attributes(attrs().set("mode", "edge").build()).build())
        .initializer("p", CONSTS.get("pads"))
        .node(Node.builder("GridSample").name("grid").inputs("e", "e").outputs("z").build()).build();
    List<Problem> problems = Tnn.exporter().check(Model.of(g, Map.of("", 17L)), Options.NONE);
    assertEquals(3, problems.size(), problems.toString());
    assertTrue(problems.get(0).toString().contains("cubic"), problems.toString());
    assertTrue(problems.get(1).toString().contains("edge"), problems.toString());
    assertTrue(problems.get(2).toString().contains("GridSample"), problems.toString());
  }
}
