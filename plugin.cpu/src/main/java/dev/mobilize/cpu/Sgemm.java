package dev.mobilize.cpu;

/**
 * Single-precision matrix product {@code C = epilogue(A * B)} with A packed once in panels of
 * {@link #MR} rows ({@code packed[(panel * K + k) * MR + i]}), B and C row-major with leading
 * dimensions. The {@link Epilogue} adds a bias per row and optionally a residual matrix, then clamps.
 *
 * <p>With the Vector API ({@code --add-modules jdk.incubator.vector}) C is cut into blocks of rows
 * and columns that the threads claim; each block copies its columns of B into contiguous panels
 * (sized to stay in L2) and runs the {@link VectorSgemm} register-blocked micro-kernel over them.
 * Without it, plain loops. Either way each output is a sum over k in order, so results do not depend
 * on the thread count.
 */
final class Sgemm {

  static final int MR = 8;
  static final boolean VECTOR = vectorAvailable();
  /**
   * Blocks of C per thread: many, so that a thread that starts late (woken from park, or held back
   * by the OS) only ever holds up the end of a product by a small block.
   */
  static final int CHUNKS_PER_THREAD = Integer.getInteger("mobilize.cpu.chunks", 8);
  /** Floats of packed B per block: 256 KiB, well inside L2. */
  private static final int BLOCK_FLOATS = 64 * 1024;

  /**
   * What is done to each sum before it is stored: {@code clamp(sum + bias[biasOff + row] + residual[o +
   * residualShift], lo, hi)} where {@code o} is the index in C; bias and residual may be null.
   */
  static final class Epilogue {
    final float[] bias;
    final int biasOff;
    final float[] residual;
    final int residualShift;
    final float lo;
    final float hi;

    Epilogue(float[] bias, int biasOff, float[] residual, int residualShift, float lo, float hi) {
      this.bias = bias;
      this.biasOff = biasOff;
      this.residual = residual;
      this.residualShift = residualShift;
      this.lo = lo;
      this.hi = hi;
    }

    float apply(float sum, int row, int o) {
      float v = sum + (bias == null ? 0f : bias[biasOff + row]) + (residual == null ? 0f : residual[o + residualShift]);
      return Math.min(Math.max(v, lo), hi);
    }
  }

  private Sgemm() {}

  private static boolean vectorAvailable() {
    if (Boolean.getBoolean("mobilize.cpu.scalar")) {
      return false;
    }
    try {
      return VectorSgemm.probe();
    } catch (Throwable t) { // NoClassDefFoundError without the module
      return false;
    }
  }

  /** Packs rows {@code [0, m)} of {@code a} ({@code m x k}, row stride {@code lda}) into MR-row panels. */
  static float[] pack(float[] a, int aOff, int m, int k, int lda) {
    int panels = (m + MR - 1) / MR;
    float[] p = new float[panels * k * MR];
    for (int i = 0; i < m; i++) {
      int panel = i / MR;
      int r = i % MR;
      int base = panel * k * MR + r;
      int src = aOff + i * lda;
      for (int kk = 0; kk < k; kk++) {
        p[base + kk * MR] = a[src + kk];
      }
    }
    return p;
  }

  /** Packs the transpose of {@code b} ({@code k x m}, row stride {@code ldb}), i.e. A = B^T. */
  static float[] packTransposed(float[] b, int bOff, int k, int m, int ldb) {
    int panels = (m + MR - 1) / MR;
    float[] p = new float[panels * k * MR];
    for (int kk = 0; kk < k; kk++) {
      for (int i = 0; i < m; i++) {
        p[(i / MR) * k * MR + kk * MR + i % MR] = b[bOff + kk * ldb + i];
      }
    }
    return p;
  }

  /**
   * {@code C[i][j] = clamp(bias[i] + sum_k A[i][k] B[k][j], lo, hi)} for {@code i < m, j < n}.
   *
   * @param bias per-row bias or null
   */
  static void gemm(int m, int n, int k, float[] packedA, float[] b, int bOff, int ldb, float[] c, int cOff,
      int ldc, float[] bias, int biasOff, float lo, float hi, Parallel parallel) {
    gemm(m, n, k, packedA, b, bOff, ldb, c, cOff, ldc, new Epilogue(bias, biasOff, null, 0, lo, hi), parallel);
  }

  /** {@code C[i][j] = e(sum_k A[i][k] B[k][j])} for {@code i < m, j < n}. */
  static void gemm(int m, int n, int k, float[] packedA, float[] b, int bOff, int ldb, float[] c, int cOff,
      int ldc, Epilogue e, Parallel parallel) {
    gemm(VECTOR, m, n, k, packedA, b, bOff, ldb, c, cOff, ldc, e, parallel);
  }

  /** As above, on the Vector API kernels or not (tests run both; {@code vector} needs {@link #VECTOR}). */
  static void gemm(boolean vector, int m, int n, int k, float[] packedA, float[] b, int bOff, int ldb, float[] c,
      int cOff, int ldc, Epilogue e, Parallel parallel) {
    if (m <= 0 || n <= 0) {
      return;
    }
    int panels = (m + MR - 1) / MR;
    long work = (long) m * n * Math.max(1, k);
    int target = work < 65536 ? 1 : CHUNKS_PER_THREAD * parallel.threads();
    if (!vector) {
      int rowBlocks = Math.min(panels, target);
      parallel.forChunks(rowBlocks, (t, rb) -> {
        int p0 = panels * rb / rowBlocks;
        int p1 = panels * (rb + 1) / rowBlocks;
        for (int p = p0; p < p1; p++) {
          scalarPanel(packedA, p * k * MR, k, b, bOff, ldb, c, cOff, ldc, p * MR, Math.min(MR, m - p * MR), n, e);
        }
      });
      return;
    }
    if (m < MR) {
      // one contiguous column range per thread: B streams by row
      int step = VectorSgemm.L;
      int tiles = ceilDiv(n, step);
      int chunks = Math.min(tiles, work < 65536 ? 1 : parallel.threads());
      parallel.forChunks(chunks, (t, chunk) -> VectorSgemm.fewRows(m, k, packedA, b, bOff, ldb, c, cOff, ldc, e,
          Math.min(n, tiles * chunk / chunks * step), Math.min(n, tiles * (chunk + 1) / chunks * step)));
      return;
    }
    int nr = VectorSgemm.NR;
    // column blocks: as wide as fits BLOCK_FLOATS, narrower (down to one panel) to give each thread a few
    int nc = Math.max(nr, Math.min(ceilDiv(n, nr) * nr, BLOCK_FLOATS / Math.max(1, k) / nr * nr));
    if (ceilDiv(n, nc) < target) {
      nc = Math.max(nr, ceilDiv(ceilDiv(n, target), nr) * nr);
    }
    int colBlock = nc;
    // a remainder narrower than a panel joins the last block rather than making a small block of its own
    int colBlocks = n > nc && n % nc < nr ? n / nc : ceilDiv(n, nc);
    // splitting rows costs a pack of B per thread: only as far as to give each thread a few blocks
    int rowBlocks = Math.min(panels, ceilDiv(Math.min(target, 4 * parallel.threads()), colBlocks));
    // the chunks of a column block follow each other, and a thread packs B again only when its next
    // chunk is of another column block: with few columns (7x7 planes) B is packed once per thread, not
    // once per row block
    float[][] packedIn = new float[parallel.threads()][];
    int[] packedBlock = new int[parallel.threads()];
    parallel.forChunks(rowBlocks * colBlocks, (t, chunk) -> {
      int cb = chunk / rowBlocks;
      int j0 = cb * colBlock;
      int j1 = cb == colBlocks - 1 ? n : j0 + colBlock;
      int rb = chunk % rowBlocks;
      int p0 = panels * rb / rowBlocks;
      int i0 = p0 * MR;
      int i1 = Math.min(m, panels * (rb + 1) / rowBlocks * MR);
      float[] bp = parallel.scratch(t, VectorSgemm.packedSize(k, j1 - j0));
      if (packedIn[t] != bp || packedBlock[t] != cb) {
        VectorSgemm.packB(b, bOff, ldb, k, j0, j1, bp);
        packedIn[t] = bp;
        packedBlock[t] = cb;
      }
      VectorSgemm.block(packedA, p0 * k * MR, bp, k, i1 - i0, j1 - j0, c, cOff + i0 * ldc + j0, ldc, e, i0);
    });
  }

  /**
   * {@code C = e(A B)} on the calling thread, for a caller that parallelises outside (the bands of
   * {@link InvertedResidual}): with the Vector API and {@code m >= MR}, B is packed whole into
   * {@code bp} (at least {@link #packedSize} floats) and C computed as one block; else {@link #gemm}
   * (whose loops then run on this thread when called from inside a {@link Parallel} job).
   */
  static void gemmOnThread(int m, int n, int k, float[] packedA, float[] b, int bOff, int ldb, float[] c, int cOff,
      int ldc, Epilogue e, float[] bp, Parallel parallel) {
    if (!VECTOR || m < MR || n <= 0) {
      gemm(m, n, k, packedA, b, bOff, ldb, c, cOff, ldc, e, parallel);
      return;
    }
    VectorSgemm.packB(b, bOff, ldb, k, 0, n, bp);
    VectorSgemm.block(packedA, 0, bp, k, m, n, c, cOff, ldc, e, 0);
  }

  /** Floats {@link #gemmOnThread} needs in {@code bp} for a {@code k x n} B (0 without the Vector API). */
  static int packedSize(int k, int n) {
    return VECTOR ? VectorSgemm.packedSize(k, n) : 0;
  }

  static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  /** Rows {@code [i0, i0 + rows)} of C from the A panel at {@code paOff}. */
  static void scalarPanel(float[] pa, int paOff, int k, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
      int i0, int rows, int n, Epilogue e) {
    for (int i = 0; i < rows; i++) {
      int co = cOff + (i0 + i) * ldc;
      java.util.Arrays.fill(c, co, co + n, 0f);
      for (int kk = 0; kk < k; kk++) {
        float a = pa[paOff + kk * MR + i];
        int bo = bOff + kk * ldb;
        for (int j = 0; j < n; j++) {
          c[co + j] += a * b[bo + j];
        }
      }
      for (int j = 0; j < n; j++) {
        c[co + j] = e.apply(c[co + j], i0 + i, co + j);
      }
    }
  }
}
