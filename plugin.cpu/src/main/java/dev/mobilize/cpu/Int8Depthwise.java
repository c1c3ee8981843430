package dev.mobilize.cpu;

/**
 * int8 depthwise 2-D convolution (one filter per channel) with requantization to int8. Each channel
 * is copied into a zero-padded int plane, split by column phase when the stride is larger than one
 * (phase {@code p} holds padded columns {@code p, p + s, p + 2s, ...}), so that every tap reads a
 * contiguous run of the plane for a run of output columns. Channels are split among the threads.
 */
final class Int8Depthwise {

  private final int channels;
  private final int kh;
  private final int kw;
  /** Weights per channel, {@code kh * kw} each, as ints. */
  private final int[] weights;
  private final int[] bias;
  private final Requantize rq;

  Int8Depthwise(byte[] w, int channels, int kh, int kw, int[] bias, Requantize rq) {
    this.channels = channels;
    this.kh = kh;
    this.kw = kw;
    this.weights = new int[w.length];
    for (int i = 0; i < w.length; i++) {
      weights[i] = w[i];
    }
    this.bias = bias;
    this.rq = rq;
  }

  /** Runs images {@code [0, n)} of {@code x} ({@code n x channels x h x w}) into {@code out}. */
  void run(boolean vector, byte[] x, int n, int h, int w, ConvGeometry.Window win, byte[] out, Parallel par,
      int[][] scratch) {
    int sh = win.stride[0];
    int sw = win.stride[1];
    int dh = win.dilation[0];
    int dw = win.dilation[1];
    int oh = win.out[0];
    int ow = win.out[1];
    int hp = (oh - 1) * sh + (kh - 1) * dh + 1;
    int wq = ow + ((kw - 1) * dw) / sw + 1;
    int planeSize = sw * hp * wq;
    int[] tapOff = new int[kh * kw];
    for (int ky = 0; ky < kh; ky++) {
      for (int kx = 0; kx < kw; kx++) {
        int col = kx * dw;
        tapOff[ky * kw + kx] = (col % sw) * hp * wq + ky * dh * wq + col / sw;
      }
    }
    int padT = win.padBegin[0];
    int padL = win.padBegin[1];
    par.forChunks(n * channels, (t, job) -> {
      int[] plane = scratch[t];
      if (plane == null || plane.length < planeSize) {
        plane = scratch[t] = new int[planeSize];
      }
      int c = job % channels;
      int in = job * h * w;
      // padded plane row y is input row y - padT; phase p column j is padded column j * sw + p
      for (int p = 0; p < sw; p++) {
        for (int y = 0; y < hp; y++) {
          int iy = y - padT;
          int o = (p * hp + y) * wq;
          for (int j = 0; j < wq; j++) {
            int ix = j * sw + p - padL;
            plane[o + j] = iy >= 0 && iy < h && ix >= 0 && ix < w ? x[in + iy * w + ix] : 0;
          }
        }
      }
      int[] wc = java.util.Arrays.copyOfRange(weights, c * kh * kw, (c + 1) * kh * kw);
      int b = bias == null ? 0 : bias[c];
      int o = job * oh * ow;
      for (int oy = 0; oy < oh; oy++) {
        int base = oy * sh * wq;
        if (vector) {
          VectorInt8.depthwiseRow(plane, tapOff, wc, base, ow, b, c, rq, out, o + oy * ow);
        } else {
          for (int ox = 0; ox < ow; ox++) {
            int acc = b;
            for (int k = 0; k < wc.length; k++) {
              acc += plane[base + tapOff[k] + ox] * wc[k];
            }
            out[o + oy * ow + ox] = (byte) rq.apply(acc, c);
          }
        }
      }
    });
  }
}
