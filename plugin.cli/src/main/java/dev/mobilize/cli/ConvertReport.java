package dev.mobilize.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import dev.mobilize.service.Quantizer;

/** What {@code convert} did: node counts, passes that fired, files written, verification figures. */
final class ConvertReport implements Outcome {
  /** The text form, so that Gogo's echo and string conversion show the report. */
  @Override
  public String toString() {
    return toText();
  }


  private final Path source;
  private final String format;
  private final int nodesBefore;
  private final double tolerance;
  private PassPipeline.Result optimization;
  private List<Verification.Figures> verification;
  private List<Verification.Int8Accuracy> int8Accuracy;
  private List<Path> written = List.of();
  private Quantizer.Report quantization;
  private boolean float16;

  ConvertReport(Path source, String format, int nodesBefore, double tolerance) {
    this.source = source;
    this.format = format;
    this.nodesBefore = nodesBefore;
    this.tolerance = tolerance;
  }

  void optimized(PassPipeline.Result r) {
    this.optimization = r;
  }

  void verified(List<Verification.Figures> figures) {
    this.verification = figures;
  }

  /** An int8 file beyond the tolerance is judged by its accuracy against float instead. */
  void int8Accuracy(List<Verification.Int8Accuracy> accuracy) {
    this.int8Accuracy = List.copyOf(accuracy);
  }

  void quantized(Quantizer.Report r) {
    this.quantization = r;
  }

  void float16() {
    this.float16 = true;
  }

  void written(List<Path> files) {
    this.written = List.copyOf(files);
  }

  int nodesAfter() {
    return optimization == null ? nodesBefore : optimization.model().graph().nodes().size();
  }

  @Override
  public boolean failed() {
    return verification != null && !Verification.within(verification, tolerance)
        && (int8Accuracy == null || !int8Accuracy.stream().allMatch(Verification.Int8Accuracy::holds));
  }

  /** The figures the manifest records: passes and verification. */
  Map<String, Object> figures() {
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("nodes_before", nodesBefore);
    j.put("nodes_after", nodesAfter());
    Map<String, Object> passes = new LinkedHashMap<>();
    if (optimization != null) {
      passes.putAll(optimization.rewritesByPass());
    }
    j.put("passes", passes);
    if (optimization != null) {
      j.put("rounds", optimization.rounds());
      j.put("skipped_for_target", optimization.skipped());
    }
    List<Map<String, Object>> v = new ArrayList<>();
    if (verification != null) {
      for (Verification.Figures f : verification) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("output", f.output());
        m.put("max_abs_error", f.maxAbsError());
        m.put("relative_error", f.relativeError());
        m.put("cosine", f.cosine());
        v.add(m);
      }
    }
    if (quantization != null) {
      j.put("quantization", QuantReportText.figures(quantization));
    } else if (float16) {
      j.put("weights", "float16");
    }
    j.put("verification", verification == null ? "skipped" : v);
    if (int8Accuracy != null) {
      List<Map<String, Object>> a = new ArrayList<>();
      for (Verification.Int8Accuracy f : int8Accuracy) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("output", f.output());
        m.put("cosine_to_float", f.fileCosine());
        m.put("quantized_model_cosine_to_float", f.quantizedCosine());
        m.put("holds", f.holds());
        a.add(m);
      }
      j.put("int8_accuracy", a);
    }
    j.put("tolerance", tolerance);
    return j;
  }

  @Override
  public String toText() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%-12s%s -> %s%n", "model", source, format));
    sb.append(String.format(Locale.ROOT, "%-12s%d -> %d%n", "nodes", nodesBefore, nodesAfter()));
    if (optimization == null) {
      sb.append(String.format("%-12s%s%n", "passes", "none (--no-optimize)"));
    } else {
      StringBuilder p = new StringBuilder();
      optimization.rewritesByPass().forEach((k, v) -> p.append(p.length() > 0 ? ", " : "").append(k).append(' ').append(v));
      sb.append(String.format("%-12s%s%n", "passes", p.length() == 0 ? "none fired" : p + " (" + optimization.rounds()
          + " rounds)"));
      if (!optimization.skipped().isEmpty()) {
        sb.append(String.format("%-12s%s%n", "skipped", String.join(", ", optimization.skipped()) + " (" + format + " cannot express their fused operators)"));
      }
    }
    if (quantization != null) {
      sb.append(QuantReportText.text(quantization));
    } else if (float16) {
      sb.append(String.format("%-12s%s%n", "fp16", "weights stored as float16"));
    }
    if (verification == null) {
      sb.append(String.format("%-12s%s%n", "verify", "skipped (--no-verify)"));
    } else {
      for (Verification.Figures f : verification) {
        sb.append(String.format(Locale.ROOT, "%-12s%s: max abs error %.3g, relative %.3g, cosine %.6f%s%n", "verify",
            f.output(), f.maxAbsError(), f.relativeError(), f.cosine(),
            f.relativeError() <= tolerance ? "" : "  BEYOND TOLERANCE " + tolerance));
      }
    }
    if (int8Accuracy != null) {
      for (Verification.Int8Accuracy a : int8Accuracy) {
        sb.append(String.format(Locale.ROOT, "%-12s%s: cosine to float %.6f, the quantized (QDQ) model's %.6f%s%n",
            "accuracy", a.output(), a.fileCosine(), a.quantizedCosine(),
            a.holds() ? " (as accurate: accepted)" : "  LESS ACCURATE by more than " + Verification.INT8_COSINE_MARGIN));
      }
    }
    if (failed() && int8Accuracy != null) {
      sb.append("FAILED: the int8 file is less accurate than the quantized model; nothing was written."
          + " Keep the layers the report ranks worst float (--keep-float), or accept it with --tolerance.\n");
    } else if (failed()) {
      sb.append("FAILED: the converted model does not compute what the original computes; nothing was written."
          + " Find the pass with --verify-passes, or convert with --no-optimize.\n");
    }
    for (Path p : written) {
      sb.append(String.format("%-12s%s%n", "wrote", p));
    }
    return sb.toString().stripTrailing();
  }

  @Override
  public String toJson() {
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("source", source.toString());
    j.put("format", format);
    j.putAll(figures());
    j.put("failed", failed());
    j.put("files", written.stream().map(Path::toString).toList());
    return Json.write(j);
  }
}
