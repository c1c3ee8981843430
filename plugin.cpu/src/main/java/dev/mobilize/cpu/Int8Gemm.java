package dev.mobilize.cpu;

/**
 * int8 x int8 -> int32 matrix product with requantization to int8:
 * {@code out[r][j] = requantize(bias[c] + sum_k W[c][k] X[k][j])} with {@code c = chan + r}.
 *
 * <p>Layouts (both zero-padded): W is packed once ({@link #packA}) as ints holding two consecutive
 * k of a row, {@code (W[c][2p] & 0xffff) | W[c][2p+1] << 16}, {@link #pairs} per row; X is packed per
 * call as shorts with the same two k side by side, {@code bp[(p * np + j) * 2 + t] = X[2p + t][j]},
 * rows of {@code np} (columns rounded up to whole vectors). Two products of int8 values fit in an
 * int16 ({@code |w| <= 127}, so {@code 2 * 128 * 127 < 2^15}): the vector kernel ({@link VectorInt8})
 * multiplies and adds in 16-bit lanes and widens to 32 bits per pair of pairs.
 */
final class Int8Gemm {

  static final boolean VECTOR = vectorAvailable();
  /** Columns per vector (padding unit of packed X). */
  static final int LANES = VECTOR ? VectorInt8.L : 16;
  private static final int ROWS_PER_CHUNK = 16;
  private static final int COLS_PER_CHUNK = 256;

  private Int8Gemm() {}

  private static boolean vectorAvailable() {
    if (Boolean.getBoolean("mobilize.cpu.scalar")) {
      return false;
    }
    try {
      return VectorInt8.probe();
    } catch (Throwable t) { // NoClassDefFoundError without the module
      return false;
    }
  }

  /** Pairs of k per packed row: {@code ceil(k / 2)} rounded up to even (the kernel takes two at a time). */
  static int pairs(int k) {
    int p = (k + 1) / 2;
    return (p + 1) / 2 * 2;
  }

  static int paddedColumns(int n) {
    return (n + LANES - 1) / LANES * LANES;
  }

  /** Packs {@code W[m][k]} (row stride {@code k}, from {@code off}) as pairs of k in ints. */
  static int[] packA(byte[] w, int off, int m, int k) {
    int kp = pairs(k);
    int[] p = new int[m * kp];
    for (int r = 0; r < m; r++) {
      for (int i = 0; i < k; i++) {
        int v = w[off + r * k + i] & 0xffff;
        p[r * kp + i / 2] |= (i & 1) == 0 ? v : v << 16;
      }
    }
    return p;
  }

  /**
   * Packs {@code X[k][n]} (rows of {@code ldx} from {@code off}) into {@code bp}; rows past {@code k}
   * are zero. Rows are split among the threads.
   */
  static void packB(byte[] x, int off, int ldx, int k, int n, short[] bp, Parallel par) {
    int kp = pairs(k);
    int np = paddedColumns(n);
    par.forRange(kp, 8, (p0, p1) -> {
      for (int p = p0; p < p1; p++) {
        int o = p * np * 2;
        int r0 = 2 * p;
        if (r0 + 1 < k) {
          int s0 = off + r0 * ldx;
          int s1 = s0 + ldx;
          for (int j = 0; j < n; j++) {
            bp[o + 2 * j] = x[s0 + j];
            bp[o + 2 * j + 1] = x[s1 + j];
          }
        } else if (r0 < k) {
          int s0 = off + r0 * ldx;
          for (int j = 0; j < n; j++) {
            bp[o + 2 * j] = x[s0 + j];
            bp[o + 2 * j + 1] = 0;
          }
        } else {
          java.util.Arrays.fill(bp, o, o + 2 * n, (short) 0);
        }
      }
    });
  }

  /**
   * {@code out[outOff + r * n + j]} for rows {@code [0, m)} (packed rows {@code row0 + r} of
   * {@code wp}, channel {@code row0 + r} of bias and requantization) and columns {@code [0, n)}.
   */
  static void gemm(boolean vector, int[] wp, int row0, int m, int k, short[] bp, int n, int[] bias, Requantize rq,
      byte[] out, int outOff, Parallel par) {
    int kp = pairs(k);
    int np = paddedColumns(n);
    int rowBlocks = (m + ROWS_PER_CHUNK - 1) / ROWS_PER_CHUNK;
    int colBlocks = (n + COLS_PER_CHUNK - 1) / COLS_PER_CHUNK;
    par.forChunks(rowBlocks * colBlocks, (t, chunk) -> {
      int r0 = chunk / colBlocks * ROWS_PER_CHUNK;
      int r1 = Math.min(m, r0 + ROWS_PER_CHUNK);
      int j0 = chunk % colBlocks * COLS_PER_CHUNK;
      int j1 = Math.min(n, j0 + COLS_PER_CHUNK);
      if (vector) {
        VectorInt8.block(wp, row0, kp, bp, np, r0, r1, j0, j1, n, bias, rq, out, outOff);
      } else {
        block(wp, row0, kp, bp, np, r0, r1, j0, j1, n, bias, rq, out, outOff);
      }
    });
  }

  /** The scalar kernel for rows {@code [r0, r1)} and columns {@code [j0, j1)}. */
  static void block(int[] wp, int row0, int kp, short[] bp, int np, int r0, int r1, int j0, int j1, int n,
      int[] bias, Requantize rq, byte[] out, int outOff) {
    for (int r = r0; r < r1; r++) {
      int c = row0 + r;
      int wo = c * kp;
      for (int j = j0; j < j1; j++) {
        int acc = bias == null ? 0 : bias[c];
        for (int p = 0, bo = 2 * j; p < kp; p++, bo += 2 * np) {
          int w = wp[wo + p];
          acc += bp[bo] * (short) w + bp[bo + 1] * (w >> 16);
        }
        out[outOff + r * n + j] = (byte) rq.apply(acc, c);
      }
    }
  }
}
