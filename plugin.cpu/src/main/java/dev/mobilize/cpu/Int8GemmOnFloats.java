package dev.mobilize.cpu;

/**
 * An int8 convolution with one group as a product of its weights ({@code m x k}) and int8 columns
 * ({@code k x cols}: the input itself for a 1x1 window with unit stride and no padding, else the
 * byte matrix of {@link #im2col}), computed exactly on the float GEMM micro-kernel
 * ({@link VectorSgemm#block}), with the int8 tensors read and written directly: each
 * block of columns is packed from the int8 input ({@code x - zeroPoint}, widened while packing) and
 * each slab of rows is requantized from a small float tile to int8 as soon as it is computed. So the
 * activations cross memory as bytes only, instead of the whole-tensor float passes of
 * {@link ExactFloatInt8Conv} (widen, sums, requantize). The residual form
 * ({@code Q((sum + bias) * x_scale * W_scale[c] + DQ(r_q))}, see {@link FuseQdqForCpu}) is applied in
 * the same place.
 *
 * <p>Exact as {@link Int8DepthwiseOnFloats} explains: with {@code reach = max|x - zeroPoint|}, when
 * {@code reach * sum_k |W[c][k]| <= 2^24} every partial sum is an integer a float holds. Needs the
 * Vector API kernels ({@link #ifExact} returns null without them).
 */
final class Int8GemmOnFloats {

  /** Floats of packed B per column block, as {@link Sgemm}: well inside L2. */
  private static final int BLOCK_FLOATS = 64 * 1024;
  /** Rows per float tile: the tile ({@code ROWS x} block columns) stays in L2 until requantized. */
  private static final int ROWS = 8 * Sgemm.MR;
  private static final Sgemm.Epilogue NONE =
      new Sgemm.Epilogue(null, 0, null, 0, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);

  private final int m;
  private final int k;
  private final float[] packed;
  private final int[] bias;
  /** Per channel, the bias as a float when sums plus bias stay exact, else NaN (added in int32). */
  private final float[] floatBias;
  private final Requantize rq;
  private final int zeroPoint;
  /** Whether the micro-kernel requantizes (every bias a float, a clamping activation): {@link VectorInt8GemmOut}. */
  private final boolean requantizeInKernel;
  /** Whether the micro-kernel applies the residual form (every bias a float). */
  private final boolean residualInKernel;

  private Int8GemmOnFloats(byte[] w, int m, int k, int[] bias, Requantize rq, int zeroPoint, long reach) {
    this.m = m;
    this.k = k;
    float[] wf = new float[w.length];
    for (int i = 0; i < w.length; i++) {
      wf[i] = w[i];
    }
    this.packed = Sgemm.pack(wf, 0, m, k, k);
    this.bias = bias;
    this.floatBias = new float[m];
    for (int c = 0; c < m; c++) {
      long b = bias == null ? 0 : bias[c];
      floatBias[c] = reach * absSum(w, c, k) + Math.abs(b) <= ExactFloatInt8Conv.EXACT_LIMIT ? (float) b : Float.NaN;
    }
    this.rq = rq;
    this.zeroPoint = zeroPoint;
    boolean exact = rq.post == null;
    for (float b : floatBias) {
      exact &= !Float.isNaN(b);
    }
    this.requantizeInKernel = exact && VectorInt8GemmOut.available();
    boolean exactBias = true;
    for (float b : floatBias) {
      exactBias &= !Float.isNaN(b);
    }
    this.residualInKernel = exactBias && VectorInt8GemmOut.available();
  }

  /**
   * The kernel for weights {@code w} ({@code m x k}) and inputs with {@code zeroPoint}, or null when
   * some row's sums could leave float's exact range, when {@code m} is below one panel of rows, or
   * without the Vector API.
   */
  static Int8GemmOnFloats ifExact(byte[] w, int m, int k, int[] bias, Requantize rq, int zeroPoint) {
    if (!Sgemm.VECTOR || !Int8Gemm.VECTOR || m < Sgemm.MR || VectorSgemm.L != Int8Gemm.LANES) {
      return null;
    }
    long reach = Int8DepthwiseOnFloats.reach(zeroPoint);
    for (int c = 0; c < m; c++) {
      if (reach * absSum(w, c, k) > ExactFloatInt8Conv.EXACT_LIMIT) {
        return null;
      }
    }
    return new Int8GemmOnFloats(w, m, k, bias, rq, zeroPoint, reach);
  }

  private static long absSum(byte[] w, int c, int k) {
    long s = 0;
    for (int i = c * k; i < (c + 1) * k; i++) {
      s += Math.abs(w[i]);
    }
    return s;
  }

  /**
   * {@code out} ({@code n x m x cols}) from {@code x} ({@code n x k x cols}). With {@code r} (int8, the
   * output's shape) the residual form: {@code out = saturate(rint(((sum + bias) * x_scale * W_scale[c]
   * + r * rScale) / yScale))}. {@code scratch} holds two float arrays per thread, grown as needed.
   */
  void run(byte[] x, int n, int cols, byte[] out, byte[] r, float rScale, float yScale, Parallel par,
      float[][][] scratch) {
    int mr = Sgemm.MR;
    int nr = VectorSgemm.NR;
    int panels = Sgemm.ceilDiv(m, mr);
    long work = (long) m * cols * Math.max(1, k);
    int target = work < 65536 ? 1 : Sgemm.CHUNKS_PER_THREAD * par.threads();
    // column blocks as Sgemm cuts them: as wide as fits BLOCK_FLOATS, narrower to give each thread a few
    int nc0 = Math.max(nr, Math.min(Sgemm.ceilDiv(cols, nr) * nr, BLOCK_FLOATS / Math.max(1, k) / nr * nr));
    if (Sgemm.ceilDiv(cols, nc0) < target) {
      nc0 = Math.max(nr, Sgemm.ceilDiv(Sgemm.ceilDiv(cols, target), nr) * nr);
    }
    int nc = nc0;
    int colBlocks = Sgemm.ceilDiv(cols, nc);
    int rowBlocks = Math.min(panels, Sgemm.ceilDiv(Math.min(target, 4 * par.threads()), colBlocks));
    int perImage = rowBlocks * colBlocks;
    // as in Sgemm: the chunks of a column block follow each other, and a thread widens and packs B again
    // only when its next chunk is of another column block (with few columns, once per thread)
    float[][] packedIn = new float[par.threads()][];
    int[] packedBlock = new int[par.threads()];
    par.forChunks(n * perImage, (t, chunk) -> {
      int img = chunk / perImage;
      int c = chunk % perImage;
      int cb = c / rowBlocks;
      int j0 = cb * nc;
      int j1 = Math.min(cols, j0 + nc);
      int rb = c % rowBlocks;
      int i0 = panels * rb / rowBlocks * mr;
      int i1 = Math.min(m, panels * (rb + 1) / rowBlocks * mr);
      if (scratch[t] == null) {
        scratch[t] = new float[2][0];
      }
      float[][] s = scratch[t];
      int bpSize = VectorSgemm.packedSize(k, nc);
      float[] bp = s[0].length >= bpSize ? s[0] : (s[0] = new float[bpSize]);
      float[] tile = s[1].length >= ROWS * nc ? s[1] : (s[1] = new float[ROWS * nc]);
      int width = j1 - j0;
      if (packedIn[t] != bp || packedBlock[t] != img * colBlocks + cb) {
        VectorInt8.packB(x, img * k * cols, cols, k, j0, j1, zeroPoint, bp, nr);
        packedIn[t] = bp;
        packedBlock[t] = img * colBlocks + cb;
      }
      if (r == null ? requantizeInKernel : residualInKernel) {
        VectorInt8GemmOut.block(packed, i0, k, bp, i1 - i0, width, floatBias, rq, r, rScale, yScale, out,
            (img * m + i0) * cols + j0, cols, tile);
        return;
      }
      for (int r0 = i0; r0 < i1; r0 += ROWS) {
        int rows = Math.min(ROWS, i1 - r0);
        VectorSgemm.block(packed, r0 * k, bp, k, rows, width, tile, 0, width, NONE, r0);
        for (int i = 0; i < rows; i++) {
          int ch = r0 + i;
          int o = (img * m + ch) * cols + j0;
          epilogue(tile, i * width, ch, width, out, o, r, rScale, yScale);
        }
      }
    });
  }

  /**
   * The columns of image {@code img} ({@code k = (ci * kh + ky) * kw + kx} by output position) as
   * bytes at {@code col[img * k * cols ..]}; positions in the padding get {@code zeroPoint}, the
   * quantized zero, as ONNX pads the quantized input.
   */
  static void im2col(byte[] x, int img, int cg, int h, int w, int kh, int kw, ConvGeometry.Window win,
      int zeroPoint, byte[] col, Parallel par) {
    int oh = win.out[0];
    int ow = win.out[1];
    int sw = win.stride[1];
    int k = cg * kh * kw;
    int colOff = img * k * oh * ow;
    int xOff = img * cg * h * w;
    byte pad = (byte) zeroPoint;
    par.forRange(k, 8, (r0, r1) -> {
      for (int row = r0; row < r1; row++) {
        int kx = row % kw;
        int ky = row / kw % kh;
        int ci = row / (kh * kw);
        int co = colOff + row * oh * ow;
        int xo = xOff + ci * h * w;
        int shift = kx * win.dilation[1] - win.padBegin[1];
        int lo = Math.min(ow, Math.max(0, Conv.ceilDiv(-shift, sw)));
        int hi = Math.max(lo, Math.min(ow, Conv.ceilDiv(w - shift, sw)));
        for (int oy = 0; oy < oh; oy++) {
          int iy = oy * win.stride[0] - win.padBegin[0] + ky * win.dilation[0];
          int o = co + oy * ow;
          if (iy < 0 || iy >= h) {
            java.util.Arrays.fill(col, o, o + ow, pad);
            continue;
          }
          java.util.Arrays.fill(col, o, o + lo, pad);
          int base = xo + iy * w + shift;
          if (sw == 1) {
            System.arraycopy(x, base + lo, col, o + lo, hi - lo);
          } else {
            for (int ox = lo; ox < hi; ox++) {
              col[o + ox] = x[base + ox * sw];
            }
          }
          java.util.Arrays.fill(col, o + hi, o + ow, pad);
        }
      }
    });
  }

  /** Row {@code ch} of a tile ({@code count} sums from {@code so}) to int8 at {@code out[o ..]}. */
  private void epilogue(float[] tile, int so, int ch, int count, byte[] out, int o, byte[] r, float rScale,
      float yScale) {
    boolean exactBias = !Float.isNaN(floatBias[ch]);
    if (r == null) {
      if (exactBias) {
        VectorInt8.requantizeSums(tile, so, floatBias[ch], ch, rq, count, out, o);
      } else {
        for (int i = 0; i < count; i++) {
          out[o + i] = (byte) rq.apply((int) tile[so + i] + bias[ch], ch);
        }
      }
    } else if (exactBias) {
      VectorInt8.addResidual(tile, so, floatBias[ch], rq.scale[ch], r, o, rScale, yScale, count, out, o);
    } else {
      for (int i = 0; i < count; i++) {
        float y = ((int) tile[so + i] + bias[ch]) * rq.scale[ch];
        out[o + i] = (byte) Math.max(-128, Math.min(127, Math.rint((y + r[o + i] * rScale) / yScale)));
      }
    }
  }
}
