package dev.mobilize.optimize;

/**
 * Folds a per-channel constant Mul or Div after a Conv or Gemm into its weights:
 * {@code conv(x; w, b)·k = conv(x; w·k, b·k)}, and {@code /k} is {@code ·(1/k)}.
 */
final class FoldScaleIntoConv extends FoldChannelConstantIntoConv {

  FoldScaleIntoConv() {
    super("Mul", "Div");
  }

  @Override
  public String description() {
    return "folds a constant per-channel Mul/Div into the preceding Conv/Gemm";
  }

  @Override
  float[][] scaleShift(float[] k, boolean inverted) {
    if (inverted) {
      for (int i = 0; i < k.length; i++) {
        k[i] = 1f / k[i];
      }
    }
    return new float[][] {k, new float[k.length]};
  }
}
