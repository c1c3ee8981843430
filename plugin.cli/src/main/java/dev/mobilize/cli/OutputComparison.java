package dev.mobilize.cli;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import java.util.Arrays;
import java.util.Locale;

/**
 * How far an actual tensor is from an expected one: max absolute error, max error relative to the
 * expected output's range (max |expected|), and cosine similarity.
 *
 * @param maxAbs largest |expected - actual|
 * @param maxRel {@code maxAbs / max|expected|} (0 when both are all zero)
 * @param cosine cosine similarity of the two as vectors (1 when both are all zero)
 * @param mismatch a description when the shapes or types differ or values are NaN where the other is not, else null
 */
record OutputComparison(double maxAbs, double maxRel, double cosine, String mismatch) {

  static OutputComparison of(Tensor expected, Tensor actual) {
    if (!Arrays.equals(expected.dims(), actual.dims())) {
      return new OutputComparison(Double.NaN, Double.NaN, Double.NaN, "shape " + Shape.format(actual.dims())
          + ", expected " + Shape.format(expected.dims()));
    }
    if (expected.type() == DataType.STRING || actual.type() == DataType.STRING) {
      boolean same = expected.strings().equals(actual.strings());
      return new OutputComparison(same ? 0 : 1, same ? 0 : 1, same ? 1 : 0, same ? null : "strings differ");
    }
    float[] e = expected.toFloatArray();
    float[] a = actual.toFloatArray();
    double maxAbs = 0;
    double range = 0;
    double dot = 0;
    double ne = 0;
    double na = 0;
    for (int i = 0; i < e.length; i++) {
      if (Float.isNaN(e[i]) || Float.isNaN(a[i])) {
        if (Float.isNaN(e[i]) != Float.isNaN(a[i])) {
          return new OutputComparison(Double.NaN, Double.NaN, Double.NaN,
              "element " + i + " is " + a[i] + ", expected " + e[i]);
        }
        continue;
      }
      if (Float.isInfinite(e[i]) || Float.isInfinite(a[i])) {
        if (e[i] != a[i]) {
          return new OutputComparison(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NaN,
              "element " + i + " is " + a[i] + ", expected " + e[i]);
        }
        continue;
      }
      double d = Math.abs((double) e[i] - a[i]);
      maxAbs = Math.max(maxAbs, d);
      range = Math.max(range, Math.abs(e[i]));
      dot += (double) e[i] * a[i];
      ne += (double) e[i] * e[i];
      na += (double) a[i] * a[i];
    }
    double rel = range == 0 ? (maxAbs == 0 ? 0 : Double.POSITIVE_INFINITY) : maxAbs / range;
    double cos = ne == 0 && na == 0 ? 1 : (ne == 0 || na == 0 ? 0 : dot / Math.sqrt(ne * na));
    return new OutputComparison(maxAbs, rel, cos, null);
  }

  /** True when every element is within {@code atol + rtol * |expected|} (numpy's allclose). */
  static String allClose(Tensor expected, Tensor actual, double atol, double rtol) {
    OutputComparison c = of(expected, actual);
    if (c.mismatch != null) {
      return c.mismatch;
    }
    if (expected.type() == DataType.STRING) {
      return null;
    }
    float[] e = expected.toFloatArray();
    float[] a = actual.toFloatArray();
    for (int i = 0; i < e.length; i++) {
      if (Float.isNaN(e[i]) || Float.isInfinite(e[i])) {
        continue; // checked above
      }
      if (Math.abs((double) e[i] - a[i]) > atol + rtol * Math.abs(e[i])) {
        return String.format(Locale.ROOT, "element %d is %s, expected %s (max abs error %.3g)", i, a[i], e[i], c.maxAbs);
      }
    }
    return null;
  }

  /** {@code max abs 1.2e-06, max rel 3.4e-07, cosine 1.000000}. */
  String describe() {
    if (mismatch != null) {
      return mismatch;
    }
    return String.format(Locale.ROOT, "max abs %.3g, max rel %.3g, cosine %.6f", maxAbs, maxRel, cosine);
  }
}
