package dev.mobilize.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mobilize.ir.DataType;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code mobilize.QuantizeInt8} against QuantizeLinear's definition, {@code saturate(rint(x / scale))}
 * {@code + zero_point} with a float32 division, zero points 0, -128 and 5: ties (half to even), values past the int8 range, signed zeros, NaN and
 * infinities, on a tensor long enough for the vector loop and its tail.
 */
class QuantizeInt8Test {

  @ParameterizedTest(name = "zero point {0}")
  @ValueSource(ints = {0, -128, 5})
  void matchesQuantizeLinear(int zero) {
    float scale = 0.037f;
    int n = 40_003;
    float[] x = new float[n];
    Random r = new Random(3);
    for (int i = 0; i < n; i++) {
      x[i] = switch (i % 5) {
        case 0 -> (r.nextInt(301) - 150 + 0.5f) * scale; // near ties, some past the range
        case 1 -> (float) r.nextGaussian() * 3f;
        case 2 -> (r.nextInt(257) - 128) * scale;
        default -> (r.nextFloat() * 2 - 1) * 200 * scale;
      };
    }
    float[] special = {Float.NaN, -0f, 0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1e30f, -1e30f,
        2.5f * scale, 3.5f * scale, -2.5f * scale, 127.5f * scale, -128.5f * scale};
    System.arraycopy(special, 0, x, 1000, special.length);
    byte[] y = ScaleNode.run("QuantizeInt8", zero, scale, DataType.FLOAT, DataType.INT8,
        NdArray.ofFloats(new int[] {n}, x)).b;
    for (int i = 0; i < n; i++) {
      int expected = (int) Math.max(-128, Math.min(127, Math.rint(x[i] / scale) + zero));
      assertEquals(expected, y[i], "x = " + x[i] + " at " + i);
    }
  }
}
