package dev.mobilize.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AgreementTest {

  private static final long[] ROW = {1, 4};

  @Test
  void worstSampleCosineIsTheLowestOfOneAddNotOfAllTogether() {
    Agreement a = new Agreement();
    a.add(new float[] {10, 0, 0, 0}, new float[] {10, 0, 0, 0}, ROW); // cosine 1, large
    a.add(new float[] {0, 1, 0, 0}, new float[] {0, 1, 1, 0}, ROW); // cosine 1/sqrt(2), small
    assertEquals(1 / Math.sqrt(2), a.worstSampleCosine(), 1e-12);
    assertTrue(a.cosine() > 0.99, "the large sample dominates the pooled cosine: " + a.cosine());
  }

  @Test
  void flipMarginIsTheMedianFloatLeadOverTheChosenClassAsAShareOfTheRange() {
    Agreement a = new Agreement();
    a.add(new float[] {1.0f, 0.99f, 0, 0}, new float[] {0.9f, 1.0f, 0, 0}, ROW); // flip, lead 0.01 of range 1
    a.add(new float[] {0, 0, 2, 1}, new float[] {0, 0, 1, 2}, ROW); // flip, lead 1 of range 2
    a.add(new float[] {0, 0, 2, 1.8f}, new float[] {0, 0, 1.7f, 2}, ROW); // flip, lead 0.2 of range 2
    a.add(new float[] {3, 0, 0, 0}, new float[] {3, 0, 0, 0}, ROW); // agrees
    assertEquals(0.25, a.top1(), 1e-12);
    assertEquals(0.1, a.flipMargin(), 1e-6);
  }

  @Test
  void noFlipsGiveNoMargin() {
    Agreement a = new Agreement();
    a.add(new float[] {3, 1, 0, 0}, new float[] {2.5f, 1, 0, 0}, ROW);
    assertTrue(Double.isNaN(a.flipMargin()));
    assertEquals(1.0, a.top1());
  }
}
