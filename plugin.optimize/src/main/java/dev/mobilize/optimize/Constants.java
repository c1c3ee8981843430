package dev.mobilize.optimize;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Tensor;
import java.util.Arrays;
import java.util.Optional;

/** Small arithmetic on constant tensors that rules share: per-channel views and new float tensors. */
final class Constants {

  private Constants() {}

  /**
   * The per-channel values of {@code k} when it is broadcast against a value of rank {@code rank}
   * whose axis {@code axis} has {@code channels} entries: {@code k}'s dims, aligned to the right,
   * must all be 1 except at {@code axis}, where they are 1 or {@code channels}; and {@code k} must
   * not be of higher rank (else the broadcast would change the output's shape).
   */
  static Optional<float[]> perChannel(Tensor k, int rank, int axis, int channels) {
    if (!k.type().isFloatingPoint()) {
      return Optional.empty();
    }
    long[] d = k.dims();
    if (d.length > rank) {
      return Optional.empty();
    }
    int offset = rank - d.length;
    int at = -1;
    for (int i = 0; i < d.length; i++) {
      int outAxis = i + offset;
      if (d[i] == 1) {
        continue;
      }
      if (outAxis == axis && d[i] == channels) {
        at = i;
        continue;
      }
      return Optional.empty();
    }
    float[] v = k.toFloatArray();
    float[] out = new float[channels];
    if (at < 0) {
      Arrays.fill(out, v[0]);
    } else {
      System.arraycopy(v, 0, out, 0, channels);
    }
    return Optional.of(out);
  }

  /** A float tensor of the given dims. */
  static Tensor floats(long[] dims, float[] values) {
    return Tensor.ofFloats(dims, values);
  }

  /** A 1-D int64 tensor. */
  static Tensor int64s(long... values) {
    return Tensor.ofLongs(new long[] {values.length}, values);
  }

  /** Whether {@code t} is a float32 tensor (the type weight folding rewrites). */
  static boolean isFloat(Tensor t) {
    return t.type() == DataType.FLOAT;
  }

  /** Whether |a - b| is within float rounding of b. */
  static boolean near(float a, double b) {
    return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
  }
}
