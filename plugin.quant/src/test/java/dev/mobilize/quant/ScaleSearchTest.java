package dev.mobilize.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mobilize.cpu.CpuGraphExecutor;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.Options;
import dev.mobilize.service.PreparedModel;
import dev.mobilize.service.Quantizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The eq refinement on a model whose best input scale for the output is far below the input's range. */
class ScaleSearchTest {

  /**
   * x [1, 2, 4, 4] → 1x1 Conv → y [1, 1, 4, 4]. Channel 0 of x reaches 8 but the conv weighs it 0.001;
   * channel 1 is small (σ 0.05) and weighed 1, so the output wants fine steps and does not mind clipping.
   */
  private static Model model() {
    Graph g = Graph.builder("g")
        .input(new ValueInfo("x", DataType.FLOAT, Shape.of(1, 2, 4, 4)))
        .output(new ValueInfo("y", DataType.FLOAT, Shape.of(1, 1, 4, 4)))
        .initializer("w", Tensor.ofFloats(new long[] {1, 2, 1, 1}, 0.001f, 1f))
        .node(Node.builder("Conv").name("conv").inputs("x", "w").outputs("y").build())
        .build();
    return Model.of(g, Map.of("", 21L));
  }

  private static List<Map<String, Tensor>> samples(int n) {
    Random r = new Random(3);
    List<Map<String, Tensor>> out = new ArrayList<>();
    for (int s = 0; s < n; s++) {
      float[] v = new float[32];
      for (int i = 0; i < 16; i++) {
        v[i] = (float) (8 * (2 * r.nextDouble() - 1));
        v[16 + i] = (float) (0.05 * r.nextGaussian());
      }
      out.add(Map.of("x", Tensor.ofFloats(new long[] {1, 2, 4, 4}, v)));
    }
    return out;
  }

  @Test
  void lowersTheInputScaleWhereTheOutputGainsAndKeepsTheOutputsScale() {
    Model m = model();
    List<QuantTarget> targets = QuantTargets.find(m.graph());
    Set<String> values = new LinkedHashSet<>(List.of("x", "y"));
    Map<String, Float> scales = new HashMap<>(Map.of("x", 8f / 127, "y", 0.2f / 127));
    List<Map<String, Tensor>> samples = samples(4);
    CpuGraphExecutor executor = new CpuGraphExecutor();
    ScaleSearch.Quantize quantize = (t, v) -> InsertQdq.apply(m, t, v, scales, Set.of(), Map.of(), "eq");
    double before = cosine(executor, m, quantize.with(targets, values), samples);
    List<Long> steps = new ArrayList<>();
    new ScaleSearch(executor, m, samples).refine(targets, values, Map.of(), scales, quantize,
        (phase, done, total) -> steps.add(done));
    double after = cosine(executor, m, quantize.with(targets, values), samples);
    assertTrue(scales.get("x") <= 8f / 127 * 0.55f, "the input scale goes to the bottom of the range: " + scales.get("x"));
    assertEquals(0.2f / 127, scales.get("y"), "a graph output keeps its full range");
    assertTrue(after > before, "output cosine " + before + " -> " + after);
    assertEquals(List.of(1L, 2L), steps, "one progress step per value");
  }

  @Test
  void aScaleThatFollowsAnotherTakesItInsteadOfASearch() {
    Model m = model();
    List<QuantTarget> targets = QuantTargets.find(m.graph());
    Map<String, Float> scales = new HashMap<>(Map.of("x", 8f / 127, "y", 0.2f / 127));
    new ScaleSearch(new CpuGraphExecutor(), m, samples(2)).refine(targets, new LinkedHashSet<>(List.of("x", "y")),
        Map.of("x", "y"), scales, (t, v) -> InsertQdq.apply(m, t, v, scales, Set.of(), Map.of(), "eq"),
        Quantizer.Progress.NONE);
    assertEquals(0.2f / 127, scales.get("x"));
  }

  @Test
  void aGainCountsOnlyWhenItIsClearOverTheSamples() {
    assertTrue(ScaleSearch.better(new double[] {0.91, 0.92, 0.93}, new double[] {0.90, 0.91, 0.92}));
    assertTrue(!ScaleSearch.better(new double[] {0.91, 0.90, 0.922}, new double[] {0.90, 0.909, 0.92}),
        "a mean gain of 0.001 with differences of +0.01, -0.009, +0.002 is chance");
    assertTrue(!ScaleSearch.better(new double[] {0.9, 0.9}, new double[] {0.9, 0.9}));
  }

  @Test
  void ordersValuesAsTheGraphComputesThem() {
    Graph g = InsertQdqTest.model().graph();
    assertEquals(List.of("x", "r", "p", "y"),
        ScaleSearch.inGraphOrder(g, new LinkedHashSet<>(List.of("y", "r", "p", "x"))));
  }

  private static double cosine(CpuGraphExecutor e, Model f, Model q, List<Map<String, Tensor>> samples) {
    Agreement a = new Agreement();
    try (PreparedModel pf = e.prepare(f, Options.NONE); PreparedModel pq = e.prepare(q, Options.NONE)) {
      for (Map<String, Tensor> s : samples) {
        a.add(pf.run(s).get("y").toFloatArray(), pq.run(s).get("y").toFloatArray(), new long[0]);
      }
    }
    return a.cosine();
  }
}
