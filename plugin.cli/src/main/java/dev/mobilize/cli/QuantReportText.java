package dev.mobilize.cli;

import dev.mobilize.service.Quantizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The accuracy report of an int8 conversion, as text lines of the convert report and as JSON figures. */
final class QuantReportText {

  /** Layers listed in the text (the JSON has all): the ones that add the most error. */
  static final int LAYERS_SHOWN = 10;
  /** A median flip margin below this share of the score range calls the flips near ties. */
  static final double NEAR_TIE = 0.05;
  /** Below this worst-sample cosine, with every layer int8, the report suggests mixed precision. */
  static final double HINT_BELOW = 0.99;

  private QuantReportText() {}

  static String text(Quantizer.Report r) {
    StringBuilder sb = new StringBuilder();
    line(sb, "int8", String.format(Locale.ROOT, "%s calibration on %d sample(s); accuracy measured on %s (%d sample(s))",
        r.method(), r.calibrationSamples(), r.measuredOn(), r.samples()));
    for (Quantizer.OutputAccuracy o : r.outputs()) {
      line(sb, "accuracy", String.format(Locale.ROOT, "%s: cosine %.6f (worst sample %.6f), max abs error %.4g%s",
          o.output(), o.cosine(), o.worstSampleCosine(), o.maxAbsError(), Double.isNaN(o.top1Agreement()) ? ""
              : String.format(Locale.ROOT, ", top-1 agreement %.2f%%", 100 * o.top1Agreement())));
      if (!Double.isNaN(o.flipMargin())) {
        line(sb, "top-1 flips", String.format(Locale.ROOT, "where int8 chose another class, float's top class led it by"
            + " a median %.2f%% of the float scores' range%s", 100 * o.flipMargin(), o.flipMargin() < NEAR_TIE
            ? ": near ties, where float itself was almost undecided (as on random inputs); judge by cosine, or"
            + " --validate on real data" : ""));
      }
    }
    boolean classifier = r.outputs().stream().anyMatch(o -> !Double.isNaN(o.top1Agreement()));
    line(sb, "drop", String.format(Locale.ROOT, "%.3f percentage points (%s; what --max-accuracy-drop bounds)",
        r.accuracyDrop(), classifier ? "100 - top-1 agreement" : "100*(1-cosine)"));
    if (!r.keptFloat().isEmpty()) {
      line(sb, "kept float", String.join(", ", r.keptFloat()));
    } else {
      double worst = r.outputs().stream().mapToDouble(Quantizer.OutputAccuracy::worstSampleCosine).min().orElse(1);
      if (worst < HINT_BELOW) {
        line(sb, "hint", String.format(Locale.ROOT, "a sample's output fell to cosine %.4f: --min-cosine %.2f keeps"
            + " the layers that cost the most float until every sample holds it (--sensitivity ranks them)", worst,
            HINT_BELOW));
      }
    }
    List<Quantizer.LayerError> layers = new ArrayList<>(r.layers());
    layers.sort(Comparator.comparingDouble(Quantizer.LayerError::addedError).reversed());
    if (!layers.isEmpty()) {
      line(sb, "layers", layers.size() <= LAYERS_SHOWN ? "error each int8 layer adds (cosine of its output to float,"
          + " and how far below its input's cosine):" : "the " + LAYERS_SHOWN + " of " + layers.size()
          + " int8 layers that add the most error (cosine of output to float, fall from its input's):");
      List<Quantizer.LayerError> shown = layers.subList(0, Math.min(LAYERS_SHOWN, layers.size()));
      String row = "  %-" + width(shown.stream().map(Quantizer.LayerError::node).toList()) + "s %-10s cosine %.6f"
          + "  added %.6f%n";
      for (Quantizer.LayerError l : shown) {
        sb.append(String.format(Locale.ROOT, row, l.node(), l.opType(), l.cosine(), l.addedError()));
      }
    }
    if (!r.sensitivity().isEmpty()) {
      line(sb, "sensitivity", "accuracy drop with only this layer int8, most sensitive first:");
      String row = "  %-" + width(r.sensitivity().stream().map(Quantizer.Sensitivity::node).toList())
          + "s %-10s drop %.3f pp  worst cosine %.6f%n";
      for (Quantizer.Sensitivity s : r.sensitivity()) {
        sb.append(String.format(Locale.ROOT, row, s.node(), s.opType(), s.accuracyDrop(), s.cosine()));
      }
    }
    return sb.toString();
  }

  /** The width of a name column: the longest name, at least 20. */
  private static int width(List<String> names) {
    return Math.max(20, names.stream().mapToInt(String::length).max().orElse(0));
  }

  private static void line(StringBuilder sb, String label, String text) {
    sb.append(String.format("%-12s%s%n", label, text));
  }

  static Map<String, Object> figures(Quantizer.Report r) {
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("method", r.method());
    j.put("calibration_samples", r.calibrationSamples());
    j.put("measured_on", r.measuredOn());
    j.put("samples", r.samples());
    List<Map<String, Object>> outs = new ArrayList<>();
    for (Quantizer.OutputAccuracy o : r.outputs()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("output", o.output());
      m.put("cosine", o.cosine());
      m.put("worst_sample_cosine", o.worstSampleCosine());
      m.put("max_abs_error", o.maxAbsError());
      if (!Double.isNaN(o.top1Agreement())) {
        m.put("top1_agreement", o.top1Agreement());
      }
      if (!Double.isNaN(o.flipMargin())) {
        m.put("top1_flip_margin", o.flipMargin());
      }
      outs.add(m);
    }
    j.put("outputs", outs);
    j.put("accuracy_drop_pp", r.accuracyDrop());
    j.put("kept_float", r.keptFloat());
    List<Map<String, Object>> layers = new ArrayList<>();
    for (Quantizer.LayerError l : r.layers()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("node", l.node());
      m.put("op", l.opType());
      m.put("cosine", l.cosine());
      m.put("added_error", l.addedError());
      layers.add(m);
    }
    j.put("layers", layers);
    List<Map<String, Object>> sens = new ArrayList<>();
    for (Quantizer.Sensitivity s : r.sensitivity()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("node", s.node());
      m.put("op", s.opType());
      m.put("accuracy_drop_pp", s.accuracyDrop());
      m.put("cosine", s.cosine());
      sens.add(m);
    }
    j.put("sensitivity", sens);
    return j;
  }
}
