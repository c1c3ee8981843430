package dev.mobilize.cli;

import dev.mobilize.ir.Dim;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.GraphExecutor;
import dev.mobilize.service.MobilizeException;
import dev.mobilize.service.Options;
import dev.mobilize.service.PreparedModel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs two models on the same deterministic inputs and compares their outputs: per output, max
 * absolute error, max error relative to max|reference| and cosine similarity ({@link OutputComparison}).
 * Inputs are {@link ModelInputs}' deterministic ones, except that a symbolic dim is 1 only when it is
 * the first (batch) dim and 32 otherwise, so that strided and pooled models still have pixels.
 */
final class Verification {

  /** The comparison of one output. */
  record Figures(String output, double maxAbsError, double relativeError, double cosine) {}

  /**
   * How an int8 file's outputs compare to the float model's, beside the QDQ model's (cosine to float).
   */
  record Int8Accuracy(String output, double fileCosine, double quantizedCosine) {
    /** True when the file is at most {@link #INT8_COSINE_MARGIN} less similar to float than the QDQ model. */
    boolean holds() {
      return fileCosine >= quantizedCosine - INT8_COSINE_MARGIN;
    }
  }

  static final double DEFAULT_TOLERANCE = 1e-4;

  /** How much cosine to float an int8 file may lose against its QDQ model when beyond the tolerance. */
  static final double INT8_COSINE_MARGIN = 0.01;

  private Verification() {}

  static Map<String, Tensor> inputs(Model model) {
    Map<String, Tensor> in = new LinkedHashMap<>();
    List<ValueInfo> inputs = model.graph().inputs();
    for (int k = 0; k < inputs.size(); k++) {
      ValueInfo v = inputs.get(k);
      long[] dims = new long[v.shape().hasRank() ? v.shape().rank() : 0];
      for (int i = 0; i < dims.length; i++) {
        Dim d = v.shape().dim(i);
        dims[i] = d.isFixed() ? d.value() : i == 0 ? 1 : 32;
      }
      in.put(v.name(), ModelInputs.generated(new ValueInfo(v.name(), v.type(), Shape.of(dims)), k));
    }
    return in;
  }

  static Map<String, Tensor> run(GraphExecutor executor, Model model, Map<String, Tensor> inputs) {
    try (PreparedModel p = executor.prepare(model, Options.NONE)) {
      return p.run(inputs);
    }
  }

  /** Compares {@code actual} to {@code expected}, output by output (matched by position). */
  static List<Figures> compare(Map<String, Tensor> expected, Map<String, Tensor> actual) {
    List<String> en = List.copyOf(expected.keySet());
    List<String> an = List.copyOf(actual.keySet());
    if (en.size() != an.size()) {
      throw new MobilizeException(ErrorCode.VERIFICATION_FAILED,
          "the result has " + an.size() + " outputs, the original " + en.size());
    }
    java.util.ArrayList<Figures> out = new java.util.ArrayList<>();
    for (int k = 0; k < en.size(); k++) {
      Tensor e = expected.get(en.get(k));
      Tensor a = actual.containsKey(en.get(k)) ? actual.get(en.get(k)) : actual.get(an.get(k));
      if (!java.util.Arrays.equals(e.dims(), a.dims())) {
        throw new MobilizeException(ErrorCode.VERIFICATION_FAILED, "output '" + en.get(k) + "' has shape "
            + a.shape() + ", the original " + e.shape());
      }
      OutputComparison c = OutputComparison.of(e, a);
      if (c.mismatch() != null) {
        throw new MobilizeException(ErrorCode.VERIFICATION_FAILED, "output '" + en.get(k) + "': " + c.mismatch());
      }
      out.add(new Figures(en.get(k), c.maxAbs(), c.maxRel(), c.cosine()));
    }
    return out;
  }

  /** Per output, the cosine to {@code floating} of the int8 file's result and of the QDQ model's. */
  static List<Int8Accuracy> int8Accuracy(Map<String, Tensor> floating, Map<String, Tensor> quantized,
      Map<String, Tensor> file) {
    List<Figures> q = compare(floating, quantized);
    List<Figures> f = compare(floating, file);
    java.util.ArrayList<Int8Accuracy> out = new java.util.ArrayList<>();
    for (int k = 0; k < q.size(); k++) {
      out.add(new Int8Accuracy(q.get(k).output(), f.get(k).cosine(), q.get(k).cosine()));
    }
    return out;
  }

  static boolean within(List<Figures> figures, double tolerance) {
    return figures.stream().allMatch(f -> f.relativeError() <= tolerance && !Double.isNaN(f.relativeError()));
  }
}
