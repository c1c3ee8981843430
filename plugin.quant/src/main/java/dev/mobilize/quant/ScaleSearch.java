package dev.mobilize.quant;

import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.GraphExecutor;
import dev.mobilize.service.Options;
import dev.mobilize.service.PreparedModel;
import dev.mobilize.service.Quantizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calibration method {@code eq}: refines the activation scales of the histogram method ({@code kl})
 * greedily in graph order, each against the model's own outputs. For the k-th quantized value, the
 * model with that value and every earlier one quantized (their targets too, at their already refined
 * scales; everything later float) is run on the search samples for scale factors around the current
 * one; the factor with the highest mean cosine of the model outputs to the float outputs stays, when its
 * gain over the current best is clear on the samples ({@link #better}).
 *
 * <p>ncnn2table's {@code eq} searches each convolution's input scale (and its per-channel weight scales)
 * on 100 steps over 0.5x–2x of the KL scale, scoring the cosine of that one layer's output on the float
 * network's input blob. Here the score is the final output with the upstream already quantized, so what a
 * scale costs further down (through nonlinearities and residual paths) is what is measured; the search
 * is a shrinking bracket instead of a fixed grid, since each step runs the model.
 */
final class ScaleSearch {

  private static final Logger LOG = LoggerFactory.getLogger(ScaleSearch.class);

  /** Calibration samples the search runs the model on (the first ones). */
  static final int SAMPLES = 8;
  /** The search range of a scale around the histogram method's: factors 2^-1 .. 2^0.5 (0.5x–1.41x). */
  static final double LOW = -1.0;
  static final double HIGH = 0.5;
  /** Bracket halvings after the first grid (each costs two model runs per sample). */
  static final int REFINEMENTS = 2;
  /** Factors of the first grid, evenly spaced in log2 over [LOW, HIGH]. */
  static final int GRID = 4;
  /** A scale replaces the best so far only when its gain is this many standard errors (paired over the samples). */
  static final double MARGIN = 2;

  private final GraphExecutor executor;
  private final Model model;
  private final List<Map<String, Tensor>> samples;
  private final List<String> outputs;
  private final List<float[][]> reference = new ArrayList<>();

  ScaleSearch(GraphExecutor executor, Model model, List<Map<String, Tensor>> samples) {
    this.executor = executor;
    this.model = model;
    this.samples = samples.subList(0, Math.min(SAMPLES, samples.size()));
    this.outputs = model.graph().outputs().stream().map(ValueInfo::name).toList();
  }

  /** Builds the QDQ model of a set of targets with a set of quantized values. */
  interface Quantize {
    Model with(List<QuantTarget> targets, Set<String> values);
  }

  /**
   * Refines {@code scales} in place.
   *
   * @param targets the quantized targets
   * @param values the values with a Q→DQ pair (graph outputs keep their scale)
   * @param follows values whose scale is another's (a pooling's output takes its input's): value → that other
   */
  void refine(List<QuantTarget> targets, Set<String> values, Map<String, String> follows, Map<String, Float> scales,
      Quantize quantize, Quantizer.Progress progress) {
    long started = System.nanoTime();
    computeReference();
    List<String> order = inGraphOrder(model.graph(), values);
    Set<String> done = new LinkedHashSet<>();
    int changed = 0;
    for (String v : order) {
      done.add(v);
      if (follows.containsKey(v)) {
        scales.put(v, scales.get(follows.get(v)));
      } else if (!outputs.contains(v)) {
        List<QuantTarget> upstream = targets.stream().filter(t -> done.contains(t.input())).toList();
        Set<String> quantized = new LinkedHashSet<>(done);
        changed += search(v, scales, () -> cosines(quantize.with(upstream, quantized))) ? 1 : 0;
      }
      progress.update("eq: searching scales", done.size(), order.size());
    }
    LOG.info("eq: searched the scales of {} values on {} samples in {} ms; {} changed", order.size(), samples.size(),
        (System.nanoTime() - started) / 1_000_000, changed);
  }

  /**
   * Sets the scale of {@code v} to the best factor of its current one: a grid over [2^LOW, 2^HIGH], then
   * the bracket around the best halved {@value #REFINEMENTS} times. True when it changed.
   *
   * @param run the per-sample cosines of the model at the scales as they are in {@code scales}
   */
  private static boolean search(String v, Map<String, Float> scales, Supplier<double[]> run) {
    float base = scales.get(v);
    Map<Double, double[]> scored = new HashMap<>();
    DoubleFunction<double[]> score = e -> scored.computeIfAbsent(e, x -> {
      scales.put(v, (float) (base * Math.pow(2, x)));
      return run.get();
    });
    double best = 0;
    double width = (HIGH - LOW) / (GRID - 1);
    for (int i = 0; i < GRID; i++) {
      double e = LOW + i * width;
      if (better(score.apply(e), score.apply(best))) {
        best = e;
      }
    }
    for (int r = 0; r < REFINEMENTS; r++) {
      width /= 2;
      double center = best;
      for (double e : new double[] {center - width, center + width}) {
        if (better(score.apply(e), score.apply(best))) {
          best = e;
        }
      }
    }
    float chosen = (float) (base * Math.pow(2, best));
    scales.put(v, chosen);
    LOG.debug("eq: {} scale {} -> {} (x{}), mean output cosine {} (was {})", v, base, chosen, Math.pow(2, best),
        mean(score.apply(best)), mean(score.apply(0)));
    return best != 0;
  }

  /**
   * True when {@code a} beats {@code b} by more than {@value #MARGIN} standard errors of the paired
   * per-sample differences: on a few samples a noise-amplifying network rewards many scales by chance,
   * and those gains do not carry over to other inputs.
   */
  static boolean better(double[] a, double[] b) {
    int n = a.length;
    double mean = 0;
    for (int i = 0; i < n; i++) {
      mean += (a[i] - b[i]) / n;
    }
    if (mean <= 0) {
      return false;
    }
    if (n < 2) {
      return true;
    }
    double var = 0;
    for (int i = 0; i < n; i++) {
      double d = a[i] - b[i] - mean;
      var += d * d / (n - 1);
    }
    return mean > MARGIN * Math.sqrt(var / n);
  }

  private static double mean(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v / x.length;
    }
    return s;
  }

  /** Per search sample, the mean over the outputs of the cosine to the float model's output. */
  private double[] cosines(Model int8) {
    double[] c = new double[samples.size()];
    try (PreparedModel p = executor.prepare(int8, Options.NONE)) {
      for (int i = 0; i < samples.size(); i++) {
        Map<String, Tensor> out = p.run(samples.get(i));
        for (int o = 0; o < outputs.size(); o++) {
          Agreement a = new Agreement();
          a.add(reference.get(i)[o], out.get(outputs.get(o)).toFloatArray(), new long[0]);
          c[i] += a.cosine() / outputs.size();
        }
      }
    }
    return c;
  }

  private void computeReference() {
    if (!reference.isEmpty()) {
      return;
    }
    try (PreparedModel p = executor.prepare(model, Options.NONE)) {
      for (Map<String, Tensor> s : samples) {
        Map<String, Tensor> out = p.run(s);
        float[][] r = new float[outputs.size()][];
        for (int o = 0; o < outputs.size(); o++) {
          r[o] = out.get(outputs.get(o)).toFloatArray();
        }
        reference.add(r);
      }
    }
  }

  /** The values in the order they are computed: graph inputs first, then by producing node. */
  static List<String> inGraphOrder(Graph g, Set<String> values) {
    List<String> order = new ArrayList<>();
    g.inputs().forEach(i -> {
      if (values.contains(i.name())) {
        order.add(i.name());
      }
    });
    for (Node n : g.nodes()) {
      for (String o : n.outputs()) {
        if (values.contains(o) && !order.contains(o)) {
          order.add(o);
        }
      }
    }
    values.forEach(v -> {
      if (!order.contains(v)) {
        order.add(v);
      }
    });
    return order;
  }
}
