package dev.mobilize.cpu;

/**
 * Convolutions with a short im2col column ({@code k = channels * kh * kw <= }{@link #MAX_K}, such as a
 * network's stem: 3 channels, 3x3, k = 27) band by band: each thread claims bands of output rows, builds
 * the im2col rows of its band in scratch of its own (sized to stay in L2) and multiplies them straight
 * into the output with {@link Sgemm#gemmOnThread}. The whole im2col matrix (k times the output plane)
 * is never written, and the two passes over it become one, with one barrier instead of two. The sums
 * are those of {@link Conv}'s im2col and GEMM, in the same order.
 */
final class ConvBands {

  /** Longest im2col column taken: longer ones make A too large to stream again for every band. */
  static final int MAX_K = 64;
  /** Floats of one band's im2col rows: 128 KiB. */
  private static final int BAND_FLOATS = 32 * 1024;
  /** -Dmobilize.cpu.convBands=false keeps the whole-plane im2col (to compare); read when a node is prepared. */
  static final String SWITCH = "mobilize.cpu.convBands";

  private ConvBands() {}

  static boolean enabled() {
    return Boolean.parseBoolean(System.getProperty(SWITCH, "true"));
  }

  /** Whether {@link #run} takes a group-1 convolution of this im2col length and output rows. */
  static boolean takes(int group, int m, int k) {
    return group == 1 && k <= MAX_K && m >= Sgemm.MR && Sgemm.VECTOR;
  }

  /**
   * All images of a group-1 convolution: {@code out[img][0..m)[plane] = e(packedW * im2col(x[img]))} with
   * the residual of {@code e}, if any, shaped as {@code out}.
   */
  static void run(float[] x, int n, int c, int h, int wd, int m, ConvGeometry.Window win, float[] packedW,
      Sgemm.Epilogue e, float[] out, Exec ex) {
    int kh = win.kernel[0];
    int kw = win.kernel[1];
    int k = c * kh * kw;
    int oh = win.out[0];
    int ow = win.out[1];
    int plane = oh * ow;
    int band = Math.max(1, Math.min(oh, BAND_FLOATS / Math.max(1, k * ow)));
    int bands = (oh + band - 1) / band;
    Parallel parallel = ex.parallel;
    int threads = parallel.threads();
    float[][] scratch = new float[2 * threads][];
    for (int t = 0; t < threads; t++) {
      scratch[2 * t] = ex.floats(k * band * ow);
      scratch[2 * t + 1] = ex.floats(Sgemm.packedSize(k, band * ow));
    }
    try {
      parallel.forChunks(n * bands, (t, chunk) -> {
        int img = chunk / bands;
        int oy0 = chunk % bands * band;
        int rows = Math.min(band, oh - oy0);
        ConvGeometry.Window bw = new ConvGeometry.Window();
        bw.kernel = win.kernel;
        bw.stride = win.stride;
        bw.dilation = win.dilation;
        bw.padBegin = new int[] {win.padBegin[0] - oy0 * win.stride[0], win.padBegin[1]}; // rows from oy0 on
        bw.padEnd = win.padEnd;
        bw.in = win.in;
        bw.out = new int[] {rows, ow};
        float[] col = scratch[2 * t];
        Conv.im2col(x, img * c * h * wd, c, h, wd, kh, kw, bw, col, parallel);
        Sgemm.gemmOnThread(m, rows * ow, k, packedW, col, 0, rows * ow, out, img * m * plane + oy0 * ow, plane, e,
            scratch[2 * t + 1], parallel);
      });
    } finally {
      for (float[] s : scratch) {
        ex.release(s);
      }
    }
  }
}
