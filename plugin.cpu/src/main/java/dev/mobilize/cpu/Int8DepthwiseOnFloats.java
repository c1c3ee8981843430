package dev.mobilize.cpu;

/**
 * An int8 depthwise convolution (one filter per channel) computed exactly on the float depthwise
 * kernels ({@link Conv#depthwise}), a few planes at a time: each thread widens a chunk of planes of
 * {@code x - zeroPoint} into its own float scratch, convolves it (zero padding, which is
 * {@code zeroPoint} in the int8 domain, as ONNX pads the quantized input) and requantizes the sums
 * straight into the int8 output. The chunks are sized to stay in the cache, so the tensor is read as
 * bytes and written as bytes once, instead of the whole-tensor float passes of
 * {@link ExactFloatInt8Conv} (widen, sums, requantize: three more trips through memory).
 *
 * <p>Exact for the same reason as {@link ExactFloatInt8Conv}: every product is an integer of
 * magnitude at most {@code reach * 127}, where {@code reach = max|x - zeroPoint|} (128 for zero point
 * 0, 255 for -128), and when {@code reach * sum_k |W[c][k]| <= 2^24} every partial sum is an integer a
 * float holds, in any order.
 */
final class Int8DepthwiseOnFloats {

  /** Floats of input planes per chunk: two such buffers (input, sums) stay within a core's L2. */
  private static final int CHUNK_FLOATS = 1 << 14;

  private final int m;
  private final int kh;
  private final int kw;
  private final float[] wf;
  private final int[] bias;
  /** Per channel, the bias as a float when sums plus bias stay exact, else NaN (added in int32). */
  private final float[] floatBias;
  private final Requantize rq;
  private final int zeroPoint;

  private Int8DepthwiseOnFloats(byte[] w, int m, int kh, int kw, int[] bias, Requantize rq, int zeroPoint,
      long reach) {
    this.m = m;
    this.kh = kh;
    this.kw = kw;
    this.wf = new float[w.length];
    for (int i = 0; i < w.length; i++) {
      wf[i] = w[i];
    }
    this.bias = bias;
    this.floatBias = new float[m];
    for (int c = 0; c < m; c++) {
      long b = bias == null ? 0 : bias[c];
      floatBias[c] = reach * absSum(w, c, kh * kw) + Math.abs(b) <= ExactFloatInt8Conv.EXACT_LIMIT ? (float) b
          : Float.NaN;
    }
    this.rq = rq;
    this.zeroPoint = zeroPoint;
  }

  /**
   * The kernel for depthwise weights {@code w} ({@code m x kh x kw}) and inputs with
   * {@code zeroPoint}, or null when some channel's sums could leave float's exact range.
   */
  static Int8DepthwiseOnFloats ifExact(byte[] w, int m, int kh, int kw, int[] bias, Requantize rq, int zeroPoint) {
    long reach = reach(zeroPoint);
    for (int c = 0; c < m; c++) {
      if (reach * absSum(w, c, kh * kw) > ExactFloatInt8Conv.EXACT_LIMIT) {
        return null;
      }
    }
    return new Int8DepthwiseOnFloats(w, m, kh, kw, bias, rq, zeroPoint, reach);
  }

  /** The largest {@code |x - zeroPoint|} over int8 {@code x}. */
  static long reach(int zeroPoint) {
    return Math.max(Math.abs(-128L - zeroPoint), Math.abs(127L - zeroPoint));
  }

  private static long absSum(byte[] w, int c, int k) {
    long s = 0;
    for (int i = c * k; i < (c + 1) * k; i++) {
      s += Math.abs(w[i]);
    }
    return s;
  }

  /**
   * Convolves {@code x} ({@code n x m x h x wd}, int8) into {@code out} ({@code n x m x oh x ow}): 3x3
   * windows on planes that the float kernel runs one at a time, which {@link VectorInt8Depthwise} takes
   * (clamping activations), in one pass there, others here in chunks.
   * {@code scratch} holds per thread three float arrays (input planes, sums, weights), grown as needed.
   */
  void run(byte[] x, int n, int h, int wd, ConvGeometry.Window win, byte[] out, Parallel par, float[][][] scratch) {
    if (Sgemm.VECTOR && Int8Gemm.VECTOR && kh == 3 && kw == 3 && !planesAtOnce(win)
        && VectorInt8Depthwise.supports(win, rq)) {
      VectorInt8Depthwise.conv3x3(x, zeroPoint, wf, floatBias, bias, rq, out, n, m, h, wd, win, par);
      return;
    }
    runChunked(x, n, h, wd, win, out, par, scratch);
  }

  /**
   * Whether the float kernel runs this window a vector's worth of planes at once ({@link VectorDepthwise#channels}:
   * small output planes). There chunks of whole blocks of planes, widened a vector at a time, beat moving bytes
   * between planes and interleaved pixels one by one (measured, one thread, in cache: 28x28 to 14x14 at stride 2
   * 0.39 against 0.57 ms, 7x7 0.175 against 0.196 ms).
   */
  static boolean planesAtOnce(ConvGeometry.Window win) {
    int size = win.out[0] * win.out[1];
    return size <= VectorDepthwise.SMALL_PLANE || win.stride[0] == 2 && size <= VectorDepthwise.SMALL_PLANE_S2;
  }

  /** {@link #run} on chunks of widened planes, whatever the window. */
  private void runChunked(byte[] x, int n, int h, int wd, ConvGeometry.Window win, byte[] out, Parallel par,
      float[][][] scratch) {
    int planes = n * m;
    int in = h * wd;
    int size = win.out[0] * win.out[1];
    int taps = kh * kw;
    int per = Math.max(1, CHUNK_FLOATS / Math.max(1, in));
    if (planesAtOnce(win)) { // whole blocks of planes for the float kernel
      per = Math.max(Int8Gemm.LANES, per / Int8Gemm.LANES * Int8Gemm.LANES);
    }
    // at least a few chunks per thread, so that the threads stay busy to the end
    int chunk = Math.max(1, Math.min(per, Sgemm.ceilDiv(planes, 4 * par.threads())));
    par.forChunks(Sgemm.ceilDiv(planes, chunk), (t, ci) -> {
      int p0 = ci * chunk;
      int g = Math.min(chunk, planes - p0);
      if (scratch[t] == null) {
        scratch[t] = new float[3][0];
      }
      float[][] s = scratch[t];
      float[] xs = s[0].length >= g * in ? s[0] : (s[0] = new float[chunk * in]);
      float[] sums = s[1].length >= g * size ? s[1] : (s[1] = new float[chunk * size]);
      float[] ws = s[2].length >= g * taps ? s[2] : (s[2] = new float[chunk * taps]);
      int xo = p0 * in;
      if (Int8Gemm.VECTOR) {
        VectorInt8.widen(x, xo, zeroPoint, xs, g * in);
      } else {
        for (int i = 0; i < g * in; i++) {
          xs[i] = x[xo + i] - zeroPoint;
        }
      }
      for (int j = 0; j < g; j++) {
        System.arraycopy(wf, (p0 + j) % m * taps, ws, j * taps, taps);
      }
      // nested in this chunk, the float kernel runs on this thread alone
      Conv.depthwise(Sgemm.VECTOR, xs, ws, null, sums, 1, g, h, wd, win, Activation.NONE, par);
      for (int j = 0; j < g; j++) {
        int ch = (p0 + j) % m;
        int so = j * size;
        int o = (p0 + j) * size;
        if (Int8Gemm.VECTOR && !Float.isNaN(floatBias[ch])) {
          VectorInt8.requantizeSums(sums, so, floatBias[ch], ch, rq, size, out, o);
        } else {
          int add = bias == null ? 0 : bias[ch];
          for (int i = 0; i < size; i++) {
            out[o + i] = (byte) rq.apply((int) sums[so + i] + add, ch);
          }
        }
      }
    });
  }
}
