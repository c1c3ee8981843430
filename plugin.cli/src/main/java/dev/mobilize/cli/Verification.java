package dev.mobilize.cli;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Dim;
import dev.mobilize.ir.Model;
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
import java.util.Random;

/**
 * Runs two models on the same deterministic inputs and compares their outputs: per output, max
 * absolute error, max error relative to max|reference| and cosine similarity. Inputs are seeded
 * from their names (normal floats, small non-negative integers); a symbolic dim is 1 when it is the
 * first (batch) dim and 32 otherwise.
 */
final class Verification {

  /** The comparison of one output. */
  record Figures(String output, double maxAbsError, double relativeError, double cosine) {}

  static final double DEFAULT_TOLERANCE = 1e-4;

  private Verification() {}

  static Map<String, Tensor> inputs(Model model) {
    Map<String, Tensor> in = new LinkedHashMap<>();
    for (ValueInfo v : model.graph().inputs()) {
      long[] dims = new long[v.shape().hasRank() ? v.shape().rank() : 0];
      for (int i = 0; i < dims.length; i++) {
        Dim d = v.shape().dim(i);
        dims[i] = d.isFixed() ? d.value() : i == 0 ? 1 : 32;
      }
      int n = (int) dev.mobilize.ir.Shape.numElements(dims);
      Random r = new Random(v.name().hashCode());
      if (v.type() == DataType.INT64 || v.type() == DataType.INT32) {
        long[] x = new long[n];
        for (int i = 0; i < n; i++) {
          x[i] = r.nextInt(4);
        }
        in.put(v.name(), v.type() == DataType.INT64 ? Tensor.ofLongs(dims, x)
            : Tensor.ofInts(dims, java.util.Arrays.stream(x).mapToInt(l -> (int) l).toArray()));
      } else {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
          x[i] = (float) r.nextGaussian();
        }
        in.put(v.name(), Tensor.ofFloats(dims, x));
      }
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
      double[] x = toDoubles(e);
      double[] y = toDoubles(a);
      double err = 0;
      double max = 0;
      double dot = 0;
      double nx = 0;
      double ny = 0;
      for (int i = 0; i < x.length; i++) {
        err = Math.max(err, Math.abs(x[i] - y[i]));
        max = Math.max(max, Math.abs(x[i]));
        dot += x[i] * y[i];
        nx += x[i] * x[i];
        ny += y[i] * y[i];
      }
      double cos = nx == 0 && ny == 0 ? 1 : dot / Math.sqrt(nx * ny);
      out.add(new Figures(en.get(k), err, max == 0 ? err : err / max, cos));
    }
    return out;
  }

  private static double[] toDoubles(Tensor t) {
    if (t.type().isFloatingPoint()) {
      float[] f = t.toFloatArray();
      double[] d = new double[f.length];
      for (int i = 0; i < f.length; i++) {
        d[i] = f[i];
      }
      return d;
    }
    long[] l = t.toLongArray();
    double[] d = new double[l.length];
    for (int i = 0; i < l.length; i++) {
      d[i] = l[i];
    }
    return d;
  }

  static boolean within(List<Figures> figures, double tolerance) {
    return figures.stream().allMatch(f -> f.relativeError() <= tolerance && !Double.isNaN(f.relativeError()));
  }
}
