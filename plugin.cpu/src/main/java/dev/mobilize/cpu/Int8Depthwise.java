package dev.mobilize.cpu;

/**
 * int8 depthwise 2-D convolution (one filter per channel) with requantization to int8. Each channel
 * is copied into a zero-padded int plane split by stride phase ({@code (row mod sh, column mod sw)}),
 * {@code hq x wq} per phase, so that for every tap the inputs of all outputs, taken in the order
 * {@code oy * wq + ox}, are one contiguous run of the plane. The sums are computed over that run as
 * a whole (the {@code wq - ow} columns past each row are computed and dropped), which keeps small
 * planes (14x14, 7x7) on whole vectors. Channels are split among the threads.
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
    int hq = oh + ((kh - 1) * dh) / sh;
    int wq = ow + ((kw - 1) * dw) / sw;
    int phase = hq * wq;
    int run = oh * wq;
    int lanes = Int8Gemm.LANES;
    int runPadded = (run + lanes - 1) / lanes * lanes;
    // plane phases, then slack for the last vector, then the sums of the run
    int planeSize = sh * sw * phase + lanes;
    int need = planeSize + runPadded + lanes;
    int[] tapOff = new int[kh * kw];
    for (int ky = 0; ky < kh; ky++) {
      for (int kx = 0; kx < kw; kx++) {
        int r = ky * dh;
        int col = kx * dw;
        tapOff[ky * kw + kx] = ((r % sh) * sw + col % sw) * phase + (r / sh) * wq + col / sw;
      }
    }
    int padT = win.padBegin[0];
    int padL = win.padBegin[1];
    par.forChunks(n * channels, (t, job) -> {
      int[] plane = scratch[t];
      if (plane == null || plane.length < need) {
        plane = scratch[t] = new int[need];
      }
      int c = job % channels;
      int in = job * h * w;
      // phase (rp, cp) holds padded rows rp, rp + sh, ... and padded columns cp, cp + sw, ...
      for (int rp = 0; rp < sh; rp++) {
        for (int cp = 0; cp < sw; cp++) {
          int base = (rp * sw + cp) * phase;
          for (int y = 0; y < hq; y++) {
            int iy = y * sh + rp - padT;
            int o = base + y * wq;
            if (iy < 0 || iy >= h) {
              java.util.Arrays.fill(plane, o, o + wq, 0);
              continue;
            }
            int src = in + iy * w;
            // columns j read input column j * sw + cp - padL: inside the input for j in [j0, j1)
            int j0 = Math.min(wq, Math.max(0, (padL - cp + sw - 1) / sw));
            int j1 = Math.max(j0, Math.min(wq, Math.floorDiv(w - 1 + padL - cp, sw) + 1));
            java.util.Arrays.fill(plane, o, o + j0, 0);
            java.util.Arrays.fill(plane, o + j1, o + wq, 0);
            if (sw == 1) {
              int shift = src + cp - padL;
              for (int j = j0; j < j1; j++) { // a plain widening copy, which C2 vectorizes
                plane[o + j] = x[shift + j];
              }
            } else {
              for (int j = j0, ix = j0 * sw + cp - padL; j < j1; j++, ix += sw) {
                plane[o + j] = x[src + ix];
              }
            }
          }
        }
      }
      java.util.Arrays.fill(plane, sh * sw * phase, planeSize, 0);
      int wo = c * kh * kw;
      int b = bias == null ? 0 : bias[c];
      int o = job * oh * ow;
      if (vector) {
        VectorInt8.depthwise(plane, tapOff, weights, wo, run, b, plane, planeSize);
      } else {
        for (int p = 0; p < run; p++) {
          int sum = b;
          for (int k = 0; k < tapOff.length; k++) {
            sum += plane[p + tapOff[k]] * weights[wo + k];
          }
          plane[planeSize + p] = sum;
        }
      }
      for (int oy = 0; oy < oh; oy++) {
        int s = planeSize + oy * wq;
        int d = o + oy * ow;
        int ox = 0;
        if (vector) {
          for (; ox + lanes <= ow; ox += lanes) {
            VectorInt8.requantize(plane, s + ox, 0, c, rq, lanes, out, d + ox);
          }
        }
        for (; ox < ow; ox++) {
          out[d + ox] = (byte) rq.apply(plane[s + ox], c);
        }
      }
    });
  }
}
