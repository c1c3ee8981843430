package dev.mobilize.quant;

import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.MobilizeException;
import java.util.List;
import java.util.Locale;

/**
 * How a tensor's clipping threshold T is chosen from its {@link Histogram}, for a grid of 128 levels
 * over [0, T] (symmetric int8, scale = T / 127) or 256 (a never-negative tensor with zero point -128,
 * scale = T / 255).
 * <ul>
 *   <li>{@code minmax}: T = max|x|.</li>
 *   <li>{@code percentile}: T = the 99.99th percentile of |x|.</li>
 *   <li>{@code kl}: the T whose 128-level quantized distribution has the least KL divergence from
 *       the clipped one (ncnn2table's and TensorRT's entropy calibration), but at least the 99.9th
 *       percentile.</li>
 *   <li>{@code mse}: the T with the least expected squared error of quantize-dequantize.</li>
 *   <li>{@code eq}: starts from {@code kl}; the quantizer then refines the scales against the model's
 *       outputs ({@link ScaleSearch}).</li>
 * </ul>
 */
enum Threshold {
  KL, MINMAX, PERCENTILE, MSE, EQ;

  static final double PERCENTILE_VALUE = 99.99;
  /**
   * KL never clips more than 0.1% of the non-zero values: on discrete data (8-bit pixels scaled to
   * [0, 1]) the divergence has spurious minima at the first spikes that would clip almost everything.
   */
  static final double KL_FLOOR_PERCENTILE = 99.9;
  /** Levels over [0, T] of symmetric int8. */
  static final int SYMMETRIC = 128;
  /** Levels over [0, T] of a never-negative tensor quantized from zero point -128. */
  static final int UNSIGNED = 256;

  static Threshold parse(String name) {
    for (Threshold t : values()) {
      if (t.label().equals(name.trim().toLowerCase(Locale.ROOT))) {
        return t;
      }
    }
    throw new MobilizeException(ErrorCode.INVALID_ARGUMENT, "unknown calibration method '" + name
        + "'; available: " + String.join(", ", List.of(values()).stream().map(Threshold::label).toList()));
  }

  String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The threshold for this histogram on the symmetric grid (0 for an all-zero tensor). */
  float of(Histogram h) {
    return of(h, SYMMETRIC);
  }

  /** The threshold for this histogram on a grid of {@code levels} steps over [0, T] (0 for an all-zero tensor). */
  float of(Histogram h, int levels) {
    if (h.absMax() == 0f || h.total() == 0) {
      return 0f;
    }
    return switch (this) {
      case MINMAX -> h.absMax();
      case PERCENTILE -> percentile(h, PERCENTILE_VALUE);
      case KL, EQ -> Math.max(kl(h, levels), percentile(h, KL_FLOOR_PERCENTILE));
      case MSE -> mse(h, levels);
    };
  }

  static float percentile(Histogram h, double p) {
    long[] c = h.counts();
    double target = h.total() * p / 100.0;
    long seen = 0;
    for (int i = 0; i < c.length; i++) {
      seen += c[i];
      if (seen >= target) {
        return (i + 1) * h.binWidth();
      }
    }
    return h.absMax();
  }

  /**
   * ncnn2table's search: for i = levels..2048 bins, P = the first i bins with the outliers added to the
   * last, Q = those i bins merged into {@code levels} levels (ncnn: 128) and spread back over their
   * non-empty bins; T = (i + 0.5)·bin width for the i of least KL(P‖Q).
   */
  static float kl(Histogram h, int levels) {
    long[] hist = h.counts();
    int n = hist.length;
    double best = Double.MAX_VALUE;
    int bestI = n;
    double[] p = new double[n];
    double[] q = new double[n];
    double[] level = new double[levels];
    long tail = 0;
    for (int j = levels; j < n; j++) {
      tail += hist[j];
    }
    for (int i = levels; i <= n; i++) {
      for (int j = 0; j < i; j++) {
        p[j] = hist[j];
      }
      p[i - 1] += tail;
      if (i < n) {
        tail -= hist[i];
      }
      double per = (double) i / levels;
      for (int k = 0; k < levels; k++) {
        double start = k * per;
        double end = start + per;
        int up = (int) Math.ceil(start);
        int down = (int) Math.floor(end);
        double sum = 0;
        double count = 0;
        if (up > start) {
          sum += (up - start) * hist[up - 1];
          count += hist[up - 1] != 0 ? up - start : 0;
        }
        if (down < end && down < i) {
          sum += (end - down) * hist[down];
          count += hist[down] != 0 ? end - down : 0;
        }
        for (int j = up; j < down; j++) {
          sum += hist[j];
          count += hist[j] != 0 ? 1 : 0;
        }
        level[k] = count == 0 ? 0 : sum / count;
      }
      java.util.Arrays.fill(q, 0, i, 0);
      for (int k = 0; k < levels; k++) {
        double start = k * per;
        double end = start + per;
        int up = (int) Math.ceil(start);
        int down = (int) Math.floor(end);
        if (up > start && hist[up - 1] != 0) {
          q[up - 1] += (up - start) * level[k];
        }
        if (down < end && down < i && hist[down] != 0) {
          q[down] += (end - down) * level[k];
        }
        for (int j = up; j < down; j++) {
          if (hist[j] != 0) {
            q[j] = level[k];
          }
        }
      }
      double d = divergence(p, q, i);
      if (d < best) {
        best = d;
        bestI = i;
      }
    }
    return (bestI + 0.5f) * h.binWidth();
  }

  /** KL(a‖b) of the normalised first n bins; a bin empty in b but not in a costs 1 (as ncnn). */
  private static double divergence(double[] a, double[] b, int n) {
    double as = 0;
    double bs = 0;
    for (int j = 0; j < n; j++) {
      as += a[j];
      bs += b[j];
    }
    if (as == 0 || bs == 0) {
      return Double.MAX_VALUE;
    }
    double d = 0;
    for (int j = 0; j < n; j++) {
      if (a[j] == 0) {
        continue;
      }
      double x = a[j] / as;
      double y = b[j] / bs;
      d += y == 0 ? 1 : x * Math.log(x / y);
    }
    return d;
  }

  /**
   * The T (on bin edges from 64 bins up) minimising Σ count·err²: Δ²/12 inside (Δ = T / (levels − 1)),
   * (|x|−T)² beyond.
   */
  static float mse(Histogram h, int levels) {
    long[] c = h.counts();
    float w = h.binWidth();
    double best = Double.MAX_VALUE;
    float bestT = h.absMax();
    for (int i = 64; i <= c.length; i++) {
      double t = i * w;
      double step = t / (levels - 1);
      double inside = step * step / 12;
      double e = 0;
      for (int j = 0; j < c.length; j++) {
        if (c[j] == 0) {
          continue;
        }
        double x = (j + 0.5) * w;
        e += c[j] * (x < t ? inside : (x - t) * (x - t));
      }
      if (e < best) {
        best = e;
        bestT = (float) t;
      }
    }
    return bestT;
  }
}
