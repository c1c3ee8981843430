package dev.mobilize.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.mobilize.ir.Tensor;
import org.junit.jupiter.api.Test;

class ChannelQuantizationTest {

  @Test
  void weightsArePerOutputChannelOnAxisZero() {
    // W [2, 3]: channel 0 max 2.54 → scale 0.02; channel 1 all zero → scale 1
    Tensor w = Tensor.ofFloats(new long[] {2, 3}, 2.54f, -1.27f, 0.004f, 0f, 0f, 0f);
    ChannelQuantization.Weights q = ChannelQuantization.weights(w, 0);
    assertArrayEquals(new float[] {0.02f, 1f}, q.scales(), 1e-7f);
    // -1.27 / 0.02 = -63.5 rounds half to even: -64; 0.004 / 0.02 = 0.2: 0
    assertArrayEquals(new byte[] {127, -64, 0, 0, 0, 0}, q.values().toByteArray());
  }

  @Test
  void weightsPerChannelOnAxisOne() {
    // W [K=2, N=2] (MatMul): channels are columns
    Tensor w = Tensor.ofFloats(new long[] {2, 2}, 1f, 10f, -0.25f, 2.5f);
    ChannelQuantization.Weights q = ChannelQuantization.weights(w, 1);
    assertArrayEquals(new float[] {1f / 127, 10f / 127}, q.scales(), 1e-7f);
    assertArrayEquals(new byte[] {127, 127, -32, 32}, q.values().toByteArray());
  }

  @Test
  void biasIsInt32AtInputTimesWeightScale() {
    Tensor b = Tensor.ofFloats(new long[] {2}, 0.5f, -1f);
    Tensor q = ChannelQuantization.bias(b, 0.1f, new float[] {0.01f, 0.5f});
    // 0.5 / 0.001 = 500; -1 / 0.05 = -20
    assertArrayEquals(new int[] {500, -20}, q.toIntArray());
  }
}
