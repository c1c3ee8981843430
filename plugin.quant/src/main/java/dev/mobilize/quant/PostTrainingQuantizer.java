package dev.mobilize.quant;

import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.GraphExecutor;
import dev.mobilize.service.MobilizeException;
import dev.mobilize.service.Options;
import dev.mobilize.service.Quantizer;
import dev.mobilize.service.ServiceProperties;
import dev.mobilize.service.TensorFormat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Quantizer} service: calibrates on the CPU runtime, writes the QDQ graph, measures it
 * against the float model, and keeps the most sensitive layers float when an accuracy budget asks.
 */
@Component(service = Quantizer.class)
public class PostTrainingQuantizer implements Quantizer {

  private static final Logger LOG = LoggerFactory.getLogger(PostTrainingQuantizer.class);

  private final GraphExecutor executor;
  private final List<FormatEntry> formats = new CopyOnWriteArrayList<>();

  private record FormatEntry(String extension, TensorFormat format) {}

  @Activate
  public PostTrainingQuantizer(@Reference(target = "(" + ServiceProperties.EXECUTOR + "=cpu)") GraphExecutor executor) {
    this.executor = executor;
  }

  /** Outside OSGi (tests of the exporters that lower QDQ graphs): with these tensor formats. */
  public PostTrainingQuantizer(GraphExecutor executor, List<TensorFormat> tensorFormats) {
    this(executor);
    tensorFormats.forEach(f -> formats.add(new FormatEntry(f.extension(), f)));
  }

  @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
  void addTensorFormat(TensorFormat f) {
    formats.add(new FormatEntry(f.extension(), f));
  }

  void removeTensorFormat(TensorFormat f) {
    formats.removeIf(e -> e.format() == f);
  }

  private Function<String, TensorFormat> formatLookup() {
    return ext -> formats.stream().filter(e -> e.extension().equals(ext)).map(FormatEntry::format).findFirst()
        .orElse(null);
  }

  @Override
  public Model storeWeightsFloat16(Model model, Options options) {
    return Float16Weights.apply(model);
  }

  @Override
  public Result quantizeInt8(Model model, Options options, Progress progress) {
    Threshold method = Threshold.parse(options.get(METHOD, "kl"));
    boolean asymmetric = asymmetric(options);
    String calib = options.get(CALIB, "");
    if (calib.isBlank()) {
      throw new MobilizeException(ErrorCode.INVALID_ARGUMENT, "int8 needs calibration data: give --calib with a folder"
          + " of images (.jpg, .png) or tensor files (.pb, .npy), or one batch tensor file of typical inputs");
    }
    double maxDrop = options.getDouble(MAX_ACCURACY_DROP, Double.NaN);
    if (options.has(MAX_ACCURACY_DROP) && !(maxDrop >= 0)) {
      throw new MobilizeException(ErrorCode.INVALID_ARGUMENT, "--max-accuracy-drop must be a number of percentage"
          + " points >= 0, e.g. 0.5; got '" + options.get(MAX_ACCURACY_DROP, "") + "'");
    }
    double minCosine = options.getDouble(MIN_COSINE, Double.NaN);
    if (options.has(MIN_COSINE) && !(minCosine > 0 && minCosine <= 1)) {
      throw new MobilizeException(ErrorCode.INVALID_ARGUMENT, "--min-cosine must be a cosine similarity in (0, 1],"
          + " e.g. 0.99; got '" + options.get(MIN_COSINE, "") + "'");
    }
    Budget budget = new Budget(maxDrop, minCosine);
    CalibrationData data = new CalibrationData(formatLookup(), ImagePreprocessing.of(options));
    List<Map<String, Tensor>> samples = data.read(Path.of(calib), model.graph(), CALIB);
    String validate = options.get(VALIDATE, "");
    List<Map<String, Tensor>> measureOn = validate.isBlank() ? samples
        : data.read(Path.of(validate), model.graph(), VALIDATE);

    List<QuantTarget> all = QuantTargets.find(model.graph());
    if (all.isEmpty()) {
      throw new MobilizeException(ErrorCode.INVALID_ARGUMENT, "the model has no Conv, Gemm or MatMul with constant"
          + " float weights, so there is nothing to quantize to int8; convert without --int8 (or with --fp16)");
    }
    List<String> keep = options.getList(KEEP_FLOAT);
    List<String> unknown = keep.stream().filter(k -> all.stream().noneMatch(t -> t.isNamed(k))).toList();
    if (!unknown.isEmpty()) {
      throw new MobilizeException(ErrorCode.INVALID_ARGUMENT, "--keep-float names " + unknown + ", which are not"
          + " quantizable nodes of the model; quantizable: " + all.stream().map(QuantTarget::name).toList());
    }
    List<QuantTarget> active = new ArrayList<>(all.stream().filter(t -> keep.stream().noneMatch(t::isNamed)).toList());
    Set<String> keptFloat = new LinkedHashSet<>(all.stream().filter(t -> !active.contains(t)).map(QuantTarget::name)
        .toList());

    Int8Scope scope = Int8Scope.of(options);
    List<Node> qdqStyle = scope.nodes(model.graph(), all);
    Set<String> values = new LinkedHashSet<>();
    all.forEach(t -> {
      values.add(t.input());
      values.add(t.output());
    });
    values.addAll(scope.values(model.graph(), all, qdqStyle));
    Map<String, ChannelMeans> channelMeans = new LinkedHashMap<>();
    all.forEach(t -> channelMeans.putIfAbsent(t.input(), new ChannelMeans(t.weightAxis() != 0 || !isConv(t))));
    long started = System.nanoTime();
    Map<String, Histogram> histograms = ActivationStatistics.collect(executor, model, values, channelMeans, samples,
        progress);
    Map<String, double[]> means = new LinkedHashMap<>();
    channelMeans.forEach((v, m) -> {
      if (m.means() != null) {
        means.put(v, m.means());
      }
    });
    Map<String, Float> scales = new LinkedHashMap<>();
    Set<String> unsigned = new LinkedHashSet<>();
    Set<String> graphOutputs = new LinkedHashSet<>();
    model.graph().outputs().forEach(o -> graphOutputs.add(o.name()));
    histograms.forEach((v, h) -> {
      // never negative: 0..T on all 256 int8 values from zero point -128
      boolean low = asymmetric && h.nonNegative() && h.absMax() > 0;
      int levels = low ? Threshold.UNSIGNED : Threshold.SYMMETRIC;
      // a model output feeds no later layer that could absorb clipping: it keeps its whole range
      float t = graphOutputs.contains(v) ? Threshold.MINMAX.of(h, levels) : method.of(h, levels);
      scales.put(v, t > 0 ? t / (levels - 1) : 1f);
      if (low && t > 0) {
        unsigned.add(v);
      }
    });
    Int8Scope.shareScales(qdqStyle, scales, unsigned);
    if (method == Threshold.EQ) {
      Set<String> quantizedValues = scope.values(model.graph(), active, qdqStyle);
      Map<String, String> follows = new LinkedHashMap<>();
      qdqStyle.stream().filter(n -> Int8Scope.SAME_SCALE.contains(n.opType()))
          .forEach(n -> follows.put(n.output(0), n.input(0)));
      new ScaleSearch(executor, model, samples).refine(active, quantizedValues, follows, scales,
          (targets, vs) -> InsertQdq.apply(model, targets, vs, scales, unsigned, means, method.label()), progress);
      Int8Scope.shareScales(qdqStyle, scales, unsigned);
    }
    LOG.info("calibrated {} values on {} samples ({}) in {} ms; {} more ops quantized in the QDQ style{}; {} never"
        + " negative values quantized from zero point -128", values.size(), samples.size(), method.label(),
        (System.nanoTime() - started) / 1_000_000, qdqStyle.size(), scope.allOutputs() ? ", every output quantized" : "",
        unsigned.size());

    AccuracyMeasure measure = new AccuracyMeasure(executor, model, measureOn);
    Quantize quantize = targets -> InsertQdq.apply(model, targets, scope.values(model.graph(), targets, qdqStyle),
        scales, unsigned, means, method.label());
    List<Sensitivity> ranking = List.of();
    if (options.getBoolean(SENSITIVITY, false)) {
      ranking = sensitivity(quantize, active, measure, budget, progress);
    }
    Model int8 = quantize.with(active);
    AccuracyMeasure.Outputs figures = measure.outputs(int8, progress, "measuring int8");
    if (!budget.holds(figures)) {
      if (ranking.isEmpty()) {
        ranking = sensitivity(quantize, active, measure, budget, progress);
      }
      for (Sensitivity s : ranking) {
        if (budget.holds(figures)) {
          break;
        }
        active.removeIf(t -> t.name().equals(s.node()));
        keptFloat.add(s.node());
        int8 = quantize.with(active);
        figures = measure.outputs(int8, progress, "mixed precision");
        LOG.info("kept {} float: accuracy drop {} pp, worst cosine {}", s.node(), figures.drop(),
            figures.worstCosine());
      }
    }
    List<LayerError> layers = active.isEmpty() ? List.of() : measure.layers(int8, active, progress);
    Report report = new Report(method.label(), samples.size(), validate.isBlank() ? "calibration data" : validate,
        measureOn.size(), figures.outputs(), layers, ranking, List.copyOf(keptFloat), figures.drop());
    return new Result(int8, report, measureOn.get(0));
  }

  /** Option {@link Quantizer#ACTIVATIONS}: true for {@code asymmetric}. */
  private static boolean asymmetric(Options options) {
    String a = options.get(ACTIVATIONS, "symmetric").trim();
    if (!a.equals("symmetric") && !a.equals("asymmetric")) {
      throw new MobilizeException(ErrorCode.INVALID_ARGUMENT, "option '" + ACTIVATIONS
          + "' must be 'symmetric' or 'asymmetric', got '" + a + "'");
    }
    return a.equals("asymmetric");
  }

  /** The QDQ model for a set of targets (calibration done). */
  private interface Quantize {
    Model with(List<QuantTarget> targets);
  }

  private static boolean isConv(QuantTarget t) {
    return t.node().opType().endsWith("Conv");
  }

  /**
   * The accuracy budget of mixed precision: the largest accuracy drop in percentage points and the lowest
   * cosine of any output on any sample; NaN for a bound not asked for.
   */
  record Budget(double maxDrop, double minCosine) {
    boolean holds(AccuracyMeasure.Outputs o) {
      return !(o.drop() > maxDrop) && !(o.worstCosine() < minCosine);
    }


    /**
     * The order layers stay float in: by cosine alone (lowest first) when only a cosine is asked for, else
     * by accuracy drop (largest first; ties: lowest cosine first).
     */
    Comparator<Sensitivity> order() {
      Comparator<Sensitivity> byCosine = Comparator.comparingDouble(Sensitivity::cosine);
      return Double.isNaN(maxDrop) && !Double.isNaN(minCosine) ? byCosine
          : Comparator.comparingDouble(Sensitivity::accuracyDrop).reversed().thenComparing(byCosine);
    }
  }

  /** Each active layer quantized alone, most sensitive first in the budget's {@link Budget#order}. */
  private static List<Sensitivity> sensitivity(Quantize quantize, List<QuantTarget> active, AccuracyMeasure measure,
      Budget budget, Progress progress) {
    List<Sensitivity> out = new ArrayList<>();
    int i = 0;
    for (QuantTarget t : active) {
      Model one = quantize.with(List.of(t));
      AccuracyMeasure.Outputs o = measure.outputs(one, Progress.NONE, "");
      out.add(new Sensitivity(t.name(), t.node().opType(), o.drop(), o.worstCosine()));
      progress.update("sensitivity", ++i, active.size());
    }
    out.sort(budget.order());
    return out;
  }
}
