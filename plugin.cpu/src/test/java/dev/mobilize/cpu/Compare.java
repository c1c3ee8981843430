package dev.mobilize.cpu;

import dev.mobilize.ir.Tensor;

/** Tensor comparison for tests: the first mismatching index with expected and actual, or null when close. */
final class Compare {

  private Compare() {}

  /** Null when {@code |a - e| <= atol + rtol * |e|} everywhere (NaN matches NaN) and shapes and types agree. */
  static String mismatch(Tensor expected, Tensor actual, double atol, double rtol) {
    if (expected.type() != actual.type()) {
      return "dtype " + actual.type() + ", expected " + expected.type();
    }
    if (!java.util.Arrays.equals(expected.dims(), actual.dims())) {
      return "shape " + actual.shape() + ", expected " + expected.shape();
    }
    if (expected.type() == dev.mobilize.ir.DataType.STRING) {
      return expected.strings().equals(actual.strings()) ? null : "strings differ";
    }
    if (!expected.type().isFloatingPoint()) {
      long[] e = expected.toLongArray();
      long[] a = actual.toLongArray();
      for (int i = 0; i < e.length; i++) {
        if (e[i] != a[i]) {
          return "index " + i + ": expected " + e[i] + ", actual " + a[i];
        }
      }
      return null;
    }
    float[] e = expected.toFloatArray();
    float[] a = actual.toFloatArray();
    for (int i = 0; i < e.length; i++) {
      if (Float.isNaN(e[i]) && Float.isNaN(a[i]) || e[i] == a[i]) {
        continue;
      }
      if (!(Math.abs(a[i] - e[i]) <= atol + rtol * Math.abs(e[i]))) {
        return "index " + i + ": expected " + e[i] + ", actual " + a[i];
      }
    }
    return null;
  }

  static double maxAbsError(Tensor expected, Tensor actual) {
    float[] e = expected.toFloatArray();
    float[] a = actual.toFloatArray();
    double m = 0;
    for (int i = 0; i < e.length; i++) {
      m = Math.max(m, Math.abs(e[i] - a[i]));
    }
    return m;
  }

  static double maxAbs(Tensor t) {
    double m = 0;
    for (float v : t.toFloatArray()) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }
}
