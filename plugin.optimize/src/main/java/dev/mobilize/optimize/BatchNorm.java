package dev.mobilize.optimize;

import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import java.util.Optional;

/**
 * An inference BatchNormalization as a per-channel affine map {@code y = x·s + t} with
 * {@code s = γ/√(σ²+ε)} and {@code t = β − μ·s}, when its parameters are constant.
 */
record BatchNorm(float[] scale, float[] shift) {

  /** The affine form of {@code bn}, or empty after a rejection naming what is missing. */
  static Optional<BatchNorm> of(Match m, Node bn, int channels) {
    if (bn.attributes().getInt("training_mode", 0) != 0) {
      return m.reject("training_mode is set");
    }
    for (int i = 1; i < bn.outputs().size(); i++) {
      if (!bn.output(i).isEmpty() && m.view().uses(bn.output(i)) > 0) {
        return m.reject("its running statistics output '" + bn.output(i) + "' is read");
      }
    }
    float[][] p = new float[4][];
    String[] names = {"scale", "B", "input_mean", "input_var"};
    for (int i = 0; i < 4; i++) {
      Optional<Tensor> t = m.constant(bn.input(i + 1));
      if (t.isEmpty() || !t.get().type().isFloatingPoint()) {
        return m.reject("BN " + names[i] + " is not a float constant");
      }
      p[i] = t.get().toFloatArray();
      if (p[i].length != channels) {
        return m.reject("BN " + names[i] + " has " + p[i].length + " values, the producer has " + channels + " channels");
      }
    }
    double eps = bn.attributes().getFloat("epsilon", 1e-5f);
    float[] s = new float[channels];
    float[] t = new float[channels];
    for (int c = 0; c < channels; c++) {
      // s = γ/√(σ²+ε), t = β − μ·s
      double sc = p[0][c] / Math.sqrt(p[3][c] + eps);
      s[c] = (float) sc;
      t[c] = (float) (p[1][c] - p[2][c] * sc);
    }
    return Optional.of(new BatchNorm(s, t));
  }
}
