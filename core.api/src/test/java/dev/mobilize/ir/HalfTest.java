package dev.mobilize.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HalfTest {

  @Test
  void everyHalfValueRoundTripsExactly() {
    for (int bits = 0; bits < 0x10000; bits++) {
      float f = Half.toFloat((short) bits);
      if (Float.isNaN(f)) {
        assertTrue(Float.isNaN(Half.toFloat(Half.fromFloat(f))));
        continue;
      }
      assertEquals(bits, Half.fromFloat(f) & 0xffff, "bits 0x" + Integer.toHexString(bits));
    }
  }

  @Test
  void roundsToNearestEven() {
    // 1 + 2^-11 lies exactly between 1 and the next half (1 + 2^-10): ties go to even (1.0).
    assertEquals(0x3c00, Half.fromFloat(1f + 0x1p-11f) & 0xffff);
    // 1 + 3*2^-11 lies between 1+2^-10 (odd) and 1+2^-9 (even): goes up.
    assertEquals(0x3c02, Half.fromFloat(1f + 3 * 0x1p-11f) & 0xffff);
    assertEquals(0x7c00, Half.fromFloat(70000f) & 0xffff); // overflow to +inf
    assertEquals(0x0001, Half.fromFloat(0x1p-24f) & 0xffff); // smallest subnormal
  }

  @Test
  void bfloat16() {
    assertEquals(1.0f, Half.bfloat16ToFloat(Half.bfloat16FromFloat(1.0f)));
    assertEquals(0x3f80, Half.bfloat16FromFloat(1.0039062f) & 0xffff); // tie to even
  }
}
