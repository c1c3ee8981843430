package dev.mobilize.cpu;

/**
 * Single-precision matrix product {@code C = A * B (+ bias per row), clamped to [lo, hi]} with A
 * packed once in panels of {@link #MR} rows ({@code packed[(panel * K + k) * MR + i]}), B and C
 * row-major with leading dimensions. Work is split over column tiles and row panels; each output is
 * a plain sum over k in order, so results do not depend on the thread count. Uses the Vector API
 * when the JVM has it ({@code --add-modules jdk.incubator.vector}), else scalar loops.
 */
final class Sgemm {

  static final int MR = 4;
  static final boolean VECTOR = vectorAvailable();
  /** Columns per work item. */
  static final int NC = VECTOR ? VectorSgemm.tileWidth() : 64;

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
    int panels = (m + MR - 1) / MR;
    int colTiles = (n + NC - 1) / NC;
    int items = panels * colTiles;
    long work = (long) m * n * k;
    int grain = work < 65536 ? items : Math.max(1, (int) (items * 32768L / work));
    parallel.forRange(items, grain, (from, to) -> {
      for (int it = from; it < to; it++) {
        int tile = it / panels;
        int panel = it % panels;
        int j0 = tile * NC;
        int j1 = Math.min(n, j0 + NC);
        int i0 = panel * MR;
        int rows = Math.min(MR, m - i0);
        if (VECTOR) {
          VectorSgemm.tile(packedA, panel * k * MR, k, b, bOff, ldb, c, cOff + i0 * ldc, ldc, rows, j0, j1,
              bias, bias == null ? 0 : biasOff + i0, lo, hi);
        } else {
          scalarTile(packedA, panel * k * MR, k, b, bOff, ldb, c, cOff + i0 * ldc, ldc, rows, j0, j1,
              bias, bias == null ? 0 : biasOff + i0, lo, hi);
        }
      }
    });
  }

  static void scalarTile(float[] pa, int paOff, int k, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
      int rows, int j0, int j1, float[] bias, int biasOff, float lo, float hi) {
    for (int i = 0; i < rows; i++) {
      int co = cOff + i * ldc;
      float init = bias == null ? 0f : bias[biasOff + i];
      for (int j = j0; j < j1; j++) {
        c[co + j] = init;
      }
      for (int kk = 0; kk < k; kk++) {
        float a = pa[paOff + kk * MR + i];
        int bo = bOff + kk * ldb;
        for (int j = j0; j < j1; j++) {
          c[co + j] += a * b[bo + j];
        }
      }
      for (int j = j0; j < j1; j++) {
        c[co + j] = Math.min(Math.max(c[co + j], lo), hi);
      }
    }
  }
}
