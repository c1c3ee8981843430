package dev.mobilize.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mobilize.ir.DataType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code mobilize.DequantizeInt8} against DequantizeLinear's definition, {@code (x - zero_point) * scale} in
 * float32, bit for bit, zero points 0, -128 and 5, every int8 value, on a tensor long enough for the vector
 * loop and its tail.
 */
class DequantizeInt8Test {

  @ParameterizedTest(name = "zero point {0}")
  @ValueSource(ints = {0, -128, 5})
  void matchesDequantizeLinear(int zero) {
    float scale = 0.0371f;
    int n = 40_003;
    byte[] x = new byte[n];
    for (int i = 0; i < n; i++) {
      x[i] = (byte) (i * 37 + i / 256);
    }
    float[] y = ScaleNode.run("DequantizeInt8", zero, scale, DataType.INT8, DataType.FLOAT,
        NdArray.ofBytes(new int[] {n}, x)).f;
    for (int i = 0; i < n; i++) {
      float expected = (float) (x[i] - zero) * scale;
      assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(y[i]), "x = " + x[i] + " at " + i);
    }
  }
}
