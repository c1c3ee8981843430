package dev.mobilize.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mobilize.service.MobilizeException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ThresholdTest {

  private static Histogram of(float[] x) {
    Histogram h = new Histogram();
    h.range(x, x.length);
    h.count(x, x.length);
    return h;
  }

  @Test
  void histogramKnowsWhetherATensorIsNeverNegative() {
    assertTrue(of(new float[] {0f, 1f, 2f}).nonNegative());
    assertTrue(!of(new float[] {0f, -0.5f, 2f}).nonNegative());
    assertTrue(!new Histogram().nonNegative(), "nothing seen");
  }

  @Test
  void aFinerGridClipsLess() {
    // a half-normal (a ReLU of a Gaussian): on 256 levels rounding costs a quarter, so clipping moves out
    float[] x = gaussian(200_000);
    for (int i = 0; i < x.length; i++) {
      x[i] = Math.abs(x[i]);
    }
    Histogram h = of(x);
    assertTrue(Threshold.MSE.of(h, Threshold.UNSIGNED) > Threshold.MSE.of(h, Threshold.SYMMETRIC),
        "mse 256 levels " + Threshold.MSE.of(h, Threshold.UNSIGNED) + ", 128 " + Threshold.MSE.of(h));
    // kl's divergence minimum need not move out (measured 4.21 on 256 levels, 4.35 on 128), but stays in the tail
    float kl = Threshold.KL.of(h, Threshold.UNSIGNED);
    assertTrue(kl > 3f && kl < h.absMax(), "kl 256 levels " + kl + ", max " + h.absMax());
    assertEquals(Threshold.MINMAX.of(h), Threshold.MINMAX.of(h, Threshold.UNSIGNED));
  }

  @Test
  void minmaxIsTheLargestMagnitude() {
    assertEquals(3f, Threshold.MINMAX.of(of(new float[] {0.5f, -3f, 2f})));
  }

  @Test
  void percentileCutsTheRareOutlier() {
    float[] x = new float[100_000];
    for (int i = 0; i < x.length; i++) {
      x[i] = (i % 100) / 100f; // uniform in [0, 1)
    }
    x[0] = 100f; // one outlier in 100000: above the 99.99th percentile
    float t = Threshold.PERCENTILE.of(of(x));
    assertTrue(t > 0.95f && t < 1.2f, "percentile threshold " + t);
  }

  @Test
  void klClipsAFarOutlierOfAGaussian() {
    float[] x = gaussian(200_000);
    x[0] = 40f; // one far outlier sets max|x|
    Histogram h = of(x);
    float kl = Threshold.KL.of(h);
    // a standard normal's best int8 clipping threshold lies near 3 to 5 sigma, far below the outlier
    assertTrue(kl > 2f && kl < 8f, "kl threshold " + kl);
    assertEquals(40f, Threshold.MINMAX.of(h));
  }

  @Test
  void mseWeighsRoundingAgainstClipping() {
    Histogram h = of(gaussian(200_000));
    float mse = Threshold.MSE.of(h);
    // clipping the thin tail a little costs less than the coarser steps of the full range
    assertTrue(mse > 2.5f && mse < h.absMax(), "mse threshold " + mse + ", max " + h.absMax());
    float[] x = gaussian(200_000);
    x[0] = 40f; // but one element 36 beyond a 4-sigma clip costs more than all rounding errors together
    assertTrue(Threshold.MSE.of(of(x)) > 8f);
  }

  @Test
  void klKeepsAUniformRange() {
    float[] x = new float[100_000];
    for (int i = 0; i < x.length; i++) {
      x[i] = (i % 1000) / 1000f * 5f;
    }
    float t = Threshold.KL.of(of(x));
    assertTrue(t > 4.5f && t <= 5.01f, "kl threshold of uniform [0,5) " + t);
  }

  @Test
  void allZeroGivesZero() {
    assertEquals(0f, Threshold.KL.of(of(new float[8])));
  }

  @Test
  void unknownMethodNamesTheChoices() {
    MobilizeException e = assertThrows(MobilizeException.class, () -> Threshold.parse("entropy"));
    assertTrue(e.getMessage().contains("kl, minmax, percentile, mse"), e.getMessage());
  }

  private static float[] gaussian(int n) {
    SplittableRandom r = new SplittableRandom(1);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      double u = r.nextDouble();
      double v = r.nextDouble();
      x[i] = (float) (Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v));
    }
    return x;
  }
}
