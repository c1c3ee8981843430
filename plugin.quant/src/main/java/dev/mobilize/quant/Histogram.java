package dev.mobilize.quant;

/**
 * The distribution of |x| of one tensor over the calibration data: its largest value, then
 * {@value #BINS} equal bins over [0, max] (as ncnn2table collects them). Exact zeros are not
 * counted: int8 represents them exactly, and after a ReLU they are half of all values, a spike
 * that would hide the shape of the rest from the threshold search. The smallest value is kept too,
 * so a tensor that is never negative can use the int8 range from its zero point -128 up.
 */
final class Histogram {

  static final int BINS = 2048;

  private float absMax;
  private float min = Float.POSITIVE_INFINITY;
  private final long[] counts = new long[BINS];
  private long total;

  /** First pass: widen the range. */
  void range(float[] x, int n) {
    float m = absMax;
    float low = min;
    for (int i = 0; i < n; i++) {
      float a = Math.abs(x[i]);
      if (a > m && Float.isFinite(a)) {
        m = a;
      }
      if (x[i] < low) {
        low = x[i];
      }
    }
    absMax = m;
    min = low;
  }

  /** Second pass: count. */
  void count(float[] x, int n) {
    if (absMax == 0f) {
      return;
    }
    float w = absMax / BINS;
    for (int i = 0; i < n; i++) {
      float a = Math.abs(x[i]);
      if (a == 0f || !Float.isFinite(a)) {
        continue;
      }
      int b = Math.min(BINS - 1, (int) (a / w));
      counts[b]++;
      total++;
    }
  }

  float absMax() {
    return absMax;
  }

  /** True when some value was seen and none was negative (-0 counts as 0). */
  boolean nonNegative() {
    return min >= 0f && min != Float.POSITIVE_INFINITY;
  }

  long[] counts() {
    return counts;
  }

  long total() {
    return total;
  }

  float binWidth() {
    return absMax / BINS;
  }
}
