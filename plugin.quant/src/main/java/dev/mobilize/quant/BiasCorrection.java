package dev.mobilize.quant;

import dev.mobilize.ir.Tensor;

/**
 * The mean output shift that rounding a layer's weights causes, per output channel:
 * {@code shift[c] = Σ_k (W − W_dq)[c, k, …] · mean(x_k)} (bias correction, as in Nagel et al.,
 * "Data-Free Quantization"), so that adding it to the bias keeps each channel's mean output.
 */
final class BiasCorrection {

  private BiasCorrection() {}

  /** The shift per output channel, or null when the input means do not fit the weight. */
  static double[] shift(QuantTarget t, Tensor w, ChannelQuantization.Weights q, double[] mean) {
    long[] d = w.dims();
    float[] wf = w.toFloatArray();
    byte[] wq = q.values().toByteArray();
    float[] s = q.scales();
    int axis = t.weightAxis();
    int outs = (int) d[axis];
    double[] shift = new double[outs];
    if (d.length >= 3) {
      // Conv [M, C/g, k...]: input channel of (m, k) is group(m)·C/g + k
      int cg = (int) d[1];
      int spatial = wf.length / (outs * cg);
      long group = t.node().attributes().getInt("group", 1);
      int perGroup = (int) (outs / group);
      if (mean.length != cg * group) {
        return null;
      }
      for (int i = 0; i < wf.length; i++) {
        int m = i / (cg * spatial);
        int k = (i / spatial) % cg;
        double err = wf[i] - wq[i] * s[m];
        shift[m] += err * mean[(m / perGroup) * cg + k];
      }
      return shift;
    }
    // Gemm/MatMul: [N, K] (axis 0) or [K, N] (axis 1)
    int n = outs;
    int k = (int) d[1 - axis];
    if (mean.length != k) {
      return null;
    }
    for (int i = 0; i < wf.length; i++) {
      int row = i / (int) d[1];
      int col = i % (int) d[1];
      int out = axis == 0 ? row : col;
      int in = axis == 0 ? col : row;
      double err = wf[i] - wq[i] * s[out];
      shift[out] += err * mean[in];
    }
    return n == shift.length ? shift : null;
  }
}
