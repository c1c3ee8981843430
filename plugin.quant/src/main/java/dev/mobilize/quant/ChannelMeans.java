package dev.mobilize.quant;

/**
 * The mean of one tensor per channel over the calibration data (channel axis 1 for convolution
 * inputs {@code [N, C, ...]}, the last axis for Gemm and MatMul inputs), for bias correction.
 */
final class ChannelMeans {

  private final int axisFromEnd;
  private double[] sums;
  private long perChannel;

  /** @param lastAxis true: channels on the last axis; false: on axis 1 */
  ChannelMeans(boolean lastAxis) {
    this.axisFromEnd = lastAxis ? 0 : -1;
  }

  void add(float[] x, long[] dims) {
    if (dims.length < 2) {
      return;
    }
    int axis = axisFromEnd == 0 ? dims.length - 1 : 1;
    int c = (int) dims[axis];
    int inner = 1;
    for (int d = axis + 1; d < dims.length; d++) {
      inner *= (int) dims[d];
    }
    if (sums == null) {
      sums = new double[c];
    } else if (sums.length != c) {
      throw new IllegalStateException("channel count changed from " + sums.length + " to " + c);
    }
    for (int i = 0; i < x.length; i++) {
      sums[(i / inner) % c] += x[i];
    }
    perChannel += x.length / c;
  }

  /** The means, or null when nothing was added. */
  double[] means() {
    if (sums == null || perChannel == 0) {
      return null;
    }
    double[] m = new double[sums.length];
    for (int i = 0; i < m.length; i++) {
      m[i] = sums[i] / perChannel;
    }
    return m;
  }
}
