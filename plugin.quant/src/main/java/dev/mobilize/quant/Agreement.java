package dev.mobilize.quant;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Running comparison of one int8 tensor with its float reference over many samples: cosine
 * similarity of all samples together and of the worst sample, max absolute error, and arg-max (top-1)
 * agreement per row of a class vector ({@code [N, C]}, C ≥ 2), with how close the float scores were
 * where the arg-max flipped.
 */
final class Agreement {

  private double dot;
  private double ff;
  private double qq;
  private double maxAbs;
  private long rows;
  private long agreeing;
  private double worstSample = 1;
  private boolean classes = true;
  private final List<Double> flipMargins = new ArrayList<>();

  void add(float[] reference, float[] actual, long[] dims) {
    if (reference.length != actual.length) {
      throw new IllegalStateException("compared tensors differ in size: " + reference.length + " vs " + actual.length);
    }
    double sdot = 0;
    double sff = 0;
    double sqq = 0;
    for (int i = 0; i < reference.length; i++) {
      double f = reference[i];
      double q = actual[i];
      sdot += f * q;
      sff += f * f;
      sqq += q * q;
      maxAbs = Math.max(maxAbs, Math.abs(f - q));
    }
    dot += sdot;
    ff += sff;
    qq += sqq;
    worstSample = Math.min(worstSample, cosine(sdot, sff, sqq));
    if (dims.length != 2 || dims[1] < 2) {
      classes = false;
      return;
    }
    int c = (int) dims[1];
    for (int r = 0; r < dims[0]; r++) {
      rows++;
      int top = argMax(reference, r * c, c);
      int chosen = argMax(actual, r * c, c);
      if (top == chosen) {
        agreeing++;
      } else {
        flipMargins.add(relativeMargin(reference, r * c, c, top, chosen));
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

  /** How far the float score of {@code top} is above that of {@code other}, as a share of the row's range of scores. */
  private static double relativeMargin(float[] v, int off, int n, int top, int other) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      lo = Math.min(lo, v[off + i]);
      hi = Math.max(hi, v[off + i]);
    }
    return hi > lo ? (v[off + top] - v[off + other]) / (hi - lo) : 0;
  }

  /** Cosine similarity of all samples together; 1 when both are all zero. */
  double cosine() {
    return cosine(dot, ff, qq);
  }

  /** The lowest cosine similarity of one sample (one {@link #add} call); 1 before any. */
  double worstSampleCosine() {
    return worstSample;
  }

  private static double cosine(double dot, double ff, double qq) {
    if (ff == 0 && qq == 0) {
      return 1;
    }
    if (ff == 0 || qq == 0) {
      return 0;
    }
    return dot / Math.sqrt(ff * qq);
  }

  /**
   * Over the rows whose arg-max flipped, the median of the float margin between the float top class
   * and the class the int8 model chose, as a share of the row's float score range; NaN when nothing
   * flipped. Small values (under a few percent) mean the flips are near ties of the float model.
   */
  double flipMargin() {
    if (flipMargins.isEmpty()) {
      return Double.NaN;
    }
    List<Double> m = new ArrayList<>(flipMargins);
    Collections.sort(m);
    int k = m.size();
    return k % 2 == 1 ? m.get(k / 2) : (m.get(k / 2 - 1) + m.get(k / 2)) / 2;
  }

  double maxAbsError() {
    return maxAbs;
  }

  /** Share of rows whose arg-max agrees; NaN when the tensor is not a class vector. */
  double top1() {
    return classes && rows > 0 ? (double) agreeing / rows : Double.NaN;
  }
}
