package dev.mobilize.optimize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mobilize.cpu.CpuGraphExecutor;
import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.Options;
import dev.mobilize.service.PreparedModel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Small hand-built graphs for rule tests: build, run a rule, compare IR text, check equivalence. */
final class Ir {

  private final Graph.Builder b = Graph.builder("g");
  private final Random random = new Random(7);

  static Ir graph() {
    return new Ir();
  }

  Ir input(String name, long... dims) {
    b.input(new ValueInfo(name, DataType.FLOAT, Shape.of(dims)));
    return this;
  }

  Ir output(String name) {
    b.output(ValueInfo.unknown(name));
    return this;
  }

  /** A random float constant. */
  Ir weight(String name, long... dims) {
    float[] v = new float[(int) Shape.numElements(dims)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (random.nextGaussian() * 0.5);
    }
    b.initializer(name, Tensor.ofFloats(dims, v));
    return this;
  }

  Ir constant(String name, Tensor t) {
    b.initializer(name, t);
    return this;
  }

  Ir scalar(String name, float v) {
    return constant(name, Tensor.ofFloats(new long[0], v));
  }

  /** {@code node("Conv", "x,w", "y", attrs)}. */
  Ir node(String op, String inputs, String outputs, Attributes attrs) {
    b.node(Node.builder(op).name(outputs.split(",")[0] + "_node").inputs(List.of(inputs.split(",", -1)))
        .outputs(List.of(outputs.split(","))).attributes(attrs).build());
    return this;
  }

  Ir node(String op, String inputs, String outputs) {
    return node(op, inputs, outputs, Attributes.EMPTY);
  }

  static Attributes.Builder attrs() {
    return Attributes.builder();
  }

  Model model() {
    return Passes.infer(Model.of(b.build(), Map.of("", 21L)));
  }

  /** The IR text of the nodes only (no initializer lines), for comparisons. */
  static String nodes(Model m) {
    StringBuilder sb = new StringBuilder();
    for (String line : m.graph().toString().split("\n")) {
      if (line.startsWith("  %") && !line.contains(" = const ")) {
        sb.append(line.strip().replaceAll(" : .*$", "")).append('\n');
      }
    }
    return sb.toString();
  }

  /** Runs the rule; after a rewrite, sweeps what it left unread. */
  static RewriteRule.Run run(RewriteRule rule, Model m) {
    RewriteRule.Run r = rule.run(m);
    Model swept = new RemoveUnused().apply(r.model(), null).model();
    return new RewriteRule.Run(swept, r.rewrites(), r.rejections());
  }

  /** Both models compute the same on a random input (max abs error ≤ 1e-4·max|expected|). */
  static void assertSameOutputs(Model expected, Model actual) {
    Random random = new Random(11);
    Map<String, Tensor> in = new HashMap<>();
    for (ValueInfo v : expected.graph().inputs()) {
      long[] d = v.shape().toArray();
      float[] x = new float[(int) Shape.numElements(d)];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) (random.nextGaussian() * 3);
      }
      in.put(v.name(), Tensor.ofFloats(d, x));
    }
    CpuGraphExecutor cpu = new CpuGraphExecutor();
    try (PreparedModel a = cpu.prepare(expected, Options.NONE); PreparedModel b = cpu.prepare(actual, Options.NONE)) {
      Map<String, Tensor> ea = a.run(in);
      Map<String, Tensor> eb = b.run(in);
      for (String k : ea.keySet()) {
        SharedModelsOptimizeTest.check("output " + k, ea.get(k).toFloatArray(), eb.get(k).toFloatArray());
      }
    }
  }

  static void assertRejected(RewriteRule.Run r, String reason) {
    assertEquals(0, r.rewrites(), "expected no rewrite, got " + r.rewrites());
    assertTrue(r.rejections().stream().anyMatch(s -> s.contains(reason)),
        "expected a rejection containing '" + reason + "', got " + r.rejections());
  }
}
