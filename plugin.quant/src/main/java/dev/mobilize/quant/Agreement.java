package dev.mobilize.quant;

/**
 * Running comparison of one int8 tensor with its float reference over many samples: cosine
 * similarity of all samples together, max absolute error, and arg-max (top-1) agreement per row of
 * a class vector ({@code [N, C]}, C ≥ 2).
 */
final class Agreement {

  private double dot;
  private double ff;
  private double qq;
  private double maxAbs;
  private long rows;
  private long agreeing;
  private boolean classes = true;

  void add(float[] reference, float[] actual, long[] dims) {
    if (reference.length != actual.length) {
      throw new IllegalStateException("compared tensors differ in size: " + reference.length + " vs " + actual.length);
    }
    for (int i = 0; i < reference.length; i++) {
      double f = reference[i];
      double q = actual[i];
      dot += f * q;
      ff += f * f;
      qq += q * q;
      maxAbs = Math.max(maxAbs, Math.abs(f - q));
    }
    if (dims.length != 2 || dims[1] < 2) {
      classes = false;
      return;
    }
    int c = (int) dims[1];
    for (int r = 0; r < dims[0]; r++) {
      rows++;
      if (argMax(reference, r * c, c) == argMax(actual, r * c, c)) {
        agreeing++;
      }
    }
  }

  static int argMax(float[] v, int off, int n) {
    int best = 0;
    for (int i = 1; i < n; i++) {
      if (v[off + i] > v[off + best]) {
        best = i;
      }
    }
    return best;
  }

  /** Cosine similarity; 1 when both are all zero. */
  double cosine() {
    if (ff == 0 && qq == 0) {
      return 1;
    }
    if (ff == 0 || qq == 0) {
      return 0;
    }
    return dot / Math.sqrt(ff * qq);
  }

  double maxAbsError() {
    return maxAbs;
  }

  /** Share of rows whose arg-max agrees; NaN when the tensor is not a class vector. */
  double top1() {
    return classes && rows > 0 ? (double) agreeing / rows : Double.NaN;
  }
}
