package dev.mobilize.quant;

import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.GraphExecutor;
import dev.mobilize.service.Options;
import dev.mobilize.service.PreparedModel;
import dev.mobilize.service.Quantizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Measures an int8 model against its float model over a set of samples: per output (cosine, max
 * error, top-1 agreement) and, when asked, per quantized layer (cosine of its activated output and
 * the error it adds to its input's). The float outputs are computed once and kept, so that
 * sensitivity and mixed precision can measure many int8 variants against them.
 */
final class AccuracyMeasure {

  private final GraphExecutor executor;
  private final Model floatModel;
  private final List<Map<String, Tensor>> samples;
  private final List<String> outputs;
  private final List<Map<String, Tensor>> reference = new ArrayList<>();

  AccuracyMeasure(GraphExecutor executor, Model floatModel, List<Map<String, Tensor>> samples) {
    this.executor = executor;
    this.floatModel = floatModel;
    this.samples = samples;
    this.outputs = floatModel.graph().outputs().stream().map(ValueInfo::name).toList();
  }

  /**
   * The per-output figures of {@code int8}, its accuracy drop and the lowest cosine of any output on any
   * sample.
   */
  record Outputs(List<Quantizer.OutputAccuracy> outputs, double drop, double worstCosine) {}

  /** Output figures of an int8 variant (float outputs computed on first use). */
  Outputs outputs(Model int8, Quantizer.Progress progress, String phase) {
    ensureReference(progress);
    Map<String, Agreement> a = new LinkedHashMap<>();
    outputs.forEach(o -> a.put(o, new Agreement()));
    try (PreparedModel p = executor.prepare(int8, Options.NONE)) {
      for (int i = 0; i < samples.size(); i++) {
        Map<String, Tensor> q = p.run(samples.get(i));
        for (String o : outputs) {
          Tensor f = reference.get(i).get(o);
          a.get(o).add(f.toFloatArray(), q.get(o).toFloatArray(), f.dims());
        }
        progress.update(phase, i + 1, samples.size());
      }
    }
    return summary(a);
  }

  private void ensureReference(Quantizer.Progress progress) {
    if (!reference.isEmpty()) {
      return;
    }
    try (PreparedModel p = executor.prepare(floatModel, Options.NONE)) {
      for (int i = 0; i < samples.size(); i++) {
        Map<String, Tensor> r = p.run(samples.get(i));
        Map<String, Tensor> keep = new LinkedHashMap<>();
        outputs.forEach(o -> keep.put(o, r.get(o)));
        reference.add(keep);
        progress.update("measuring float", i + 1, samples.size());
      }
    }
  }

  static Outputs summary(Map<String, Agreement> a) {
    List<Quantizer.OutputAccuracy> list = new ArrayList<>();
    double worstTop1 = Double.NaN;
    double worstCos = 1;
    double worstSample = 1;
    for (Map.Entry<String, Agreement> e : a.entrySet()) {
      Agreement g = e.getValue();
      list.add(new Quantizer.OutputAccuracy(e.getKey(), g.cosine(), g.worstSampleCosine(), g.maxAbsError(), g.top1(),
          g.flipMargin()));
      worstCos = Math.min(worstCos, g.cosine());
      worstSample = Math.min(worstSample, g.worstSampleCosine());
      if (!Double.isNaN(g.top1())) {
        worstTop1 = Double.isNaN(worstTop1) ? g.top1() : Math.min(worstTop1, g.top1());
      }
    }
    double drop = Double.isNaN(worstTop1) ? 100 * (1 - worstCos) : 100 * (1 - worstTop1);
    return new Outputs(list, Math.max(0, drop), worstSample);
  }

  /**
   * Per-layer figures of {@code int8} (the QDQ form of {@code floatModel} for {@code targets}): for each
   * target, the cosine of its input and of its activated output against the float values.
   */
  List<Quantizer.LayerError> layers(Model int8, List<QuantTarget> targets, Quantizer.Progress progress) {
    Graph fg = floatModel.graph();
    Graph qg = int8.graph();
    Set<String> values = new LinkedHashSet<>();
    for (QuantTarget t : targets) {
      values.add(t.input());
      values.add(t.output());
    }
    values.removeIf(v -> fg.initializer(v).isPresent() || fg.inputs().stream().anyMatch(i -> i.name().equals(v)));
    Map<String, String> inInt8 = new LinkedHashMap<>();
    for (String v : values) {
      inInt8.put(v, InsertQdq.dequantizedIn(qg, v));
    }
    Map<String, Agreement> a = new LinkedHashMap<>();
    values.forEach(v -> a.put(v, new Agreement()));
    try (PreparedModel pf = executor.prepare(Probes.withOutputs(floatModel, values), Options.NONE);
        PreparedModel pq = executor.prepare(Probes.withOutputs(int8, inInt8.values()), Options.NONE)) {
      for (int i = 0; i < samples.size(); i++) {
        Map<String, Tensor> f = pf.run(samples.get(i));
        Map<String, Tensor> q = pq.run(samples.get(i));
        for (String v : values) {
          Tensor ft = f.get(v);
          a.get(v).add(ft.toFloatArray(), q.get(inInt8.get(v)).toFloatArray(), new long[0]);
        }
        progress.update("measuring layers", i + 1, samples.size());
      }
    }
    List<Quantizer.LayerError> out = new ArrayList<>();
    for (QuantTarget t : targets) {
      double cin = a.containsKey(t.input()) ? a.get(t.input()).cosine() : 1;
      double cout = a.containsKey(t.output()) ? a.get(t.output()).cosine() : 1;
      out.add(new Quantizer.LayerError(t.name(), t.node().opType(), cout, Math.max(0, cin - cout)));
    }
    return out;
  }
}
