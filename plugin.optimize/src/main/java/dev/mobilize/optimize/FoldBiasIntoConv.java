package dev.mobilize.optimize;

import java.util.Arrays;

/**
 * Folds a per-channel constant Add or Sub after a Conv or Gemm into its bias:
 * {@code conv(x; w, b) + k = conv(x; w, b + k)}, and {@code − k} is {@code + (−k)}.
 */
final class FoldBiasIntoConv extends FoldChannelConstantIntoConv {

  FoldBiasIntoConv() {
    super("Add", "Sub");
  }

  @Override
  public String description() {
    return "folds a constant per-channel Add/Sub into the preceding Conv/Gemm bias";
  }

  @Override
  float[][] scaleShift(float[] k, boolean inverted) {
    float[] one = new float[k.length];
    Arrays.fill(one, 1f);
    if (inverted) {
      for (int i = 0; i < k.length; i++) {
        k[i] = -k[i];
      }
    }
    return new float[][] {one, k};
  }
}
