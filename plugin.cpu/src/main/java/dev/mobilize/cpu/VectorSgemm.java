package dev.mobilize.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The {@link Sgemm} block kernels on the Vector API. B is copied into panels of {@link #NR} columns
 * ({@code K x NR}, row after row, the last panel zero-padded to whole vectors), so the micro-kernel
 * reads both operands contiguously. The micro-kernel keeps {@link Sgemm#MR} rows by 3 vectors of C
 * in registers (24 accumulators with 512-bit vectors) and multiplies by fused multiply-add; the
 * epilogue adds bias and residual and clamps. Loaded only when {@code jdk.incubator.vector} is
 * present.
 */
final class VectorSgemm {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  static final int L = S.length();
  /** Columns per B panel. */
  static final int NR = 3 * L;
  /**
   * A block's last columns, when no more than this many are left past whole vectors, go through
   * {@link #narrowColumns} (only when a vector holds two panel rows, {@code 2 * MR} floats).
   */
  private static final int NARROW_COLS = L == 2 * Sgemm.MR ? 4 : 0;

  private VectorSgemm() {}

  static boolean probe() {
    return L >= 4 && FloatVector.zero(S).add(1f).reduceLanes(VectorOperators.ADD) == L;
  }

  /** Floats needed to pack {@code k x cols} of B. */
  static int packedSize(int k, int cols) {
    return k * ((cols + L - 1) / L * L);
  }

  /**
   * Copies {@code B[0..k)[j0..j1)} into NR-column panels at {@code bp[0..)}, zero-padding the last.
   * Row by row, so that B is read as k sequential streams rather than k streams per panel.
   */
  static void packB(float[] b, int bOff, int ldb, int k, int j0, int j1, float[] bp) {
    int cols = j1 - j0;
    int whole = cols / NR;
    int w = cols - whole * NR; // columns of the last, narrower panel
    int full = w / L * L;
    int wv = (w + L - 1) / L * L;
    int tail = whole * NR * k;
    for (int kk = 0, src = bOff + j0; kk < k; kk++, src += ldb) {
      int o = kk * NR;
      int sp = src;
      for (int p = 0; p < whole; p++, o += k * NR, sp += NR) {
        FloatVector.fromArray(S, b, sp).intoArray(bp, o);
        FloatVector.fromArray(S, b, sp + L).intoArray(bp, o + L);
        FloatVector.fromArray(S, b, sp + 2 * L).intoArray(bp, o + 2 * L);
      }
      if (w > 0) {
        o = tail + kk * wv;
        for (int v = 0; v < full; v += L) {
          FloatVector.fromArray(S, b, sp + v).intoArray(bp, o + v);
        }
        for (int v = full; v < wv; v++) {
          bp[o + v] = v < w ? b[sp + v] : 0f;
        }
      }
    }
  }

  /**
   * {@code C[i0+i][j0+j] = epilogue(sum_k A[i0+i][k] B[k][j0+j])} for the block {@code rows x cols}:
   * {@code pa} holds the A panels from row {@code i0} on, {@code bp} the B block packed by {@link #packB}.
   * Tiles that are not whole (last rows, last columns) go through a small tile of their own.
   */
  static void block(float[] pa, int paOff, float[] bp, int k, int rows, int cols, float[] c, int cOff, int ldc,
      Sgemm.Epilogue e, int i0) {
    int mr = Sgemm.MR;
    float[] bias = new float[mr];
    float[] tile = null;
    float lo = e.residual == null ? e.lo : Float.NEGATIVE_INFINITY;
    float hi = e.residual == null ? e.hi : Float.POSITIVE_INFINITY;
    for (int i = 0; i < rows; i += mr) {
      int ao = paOff + i * k;
      int r = Math.min(mr, rows - i);
      for (int ii = 0; ii < mr; ii++) {
        bias[ii] = e.bias != null && ii < r ? e.bias[e.biasOff + i0 + i + ii] : 0f;
      }
      int bo = 0;
      int j = 0;
      for (; j + NR <= cols; j += NR, bo += k * NR) {
        int co = cOff + i * ldc + j;
        if (r == mr) {
          kernel8x3(pa, ao, bp, bo, k, c, co, ldc, bias, lo, hi);
        } else {
          tile = tile != null ? tile : new float[mr * NR];
          kernel8x3(pa, ao, bp, bo, k, tile, 0, NR, bias, lo, hi);
          copy(tile, NR, c, co, ldc, r, NR);
        }
        if (e.residual != null) {
          addResidual(c, co, ldc, r, NR, e);
        }
      }
      int w = cols - j;
      int wv = (w + L - 1) / L * L;
      int vend = w % L <= NARROW_COLS ? w / L * L : wv; // the last few columns go to narrowColumns
      for (int v = 0; v < vend; v += L) {
        int co = cOff + i * ldc + j + v;
        int n = Math.min(L, w - v);
        if (r == mr && n == L) {
          kernel8x1(pa, ao, bp, bo + v, wv, k, c, co, ldc, bias, lo, hi);
        } else {
          tile = tile != null ? tile : new float[mr * NR];
          kernel8x1(pa, ao, bp, bo + v, wv, k, tile, 0, L, bias, lo, hi);
          copy(tile, L, c, co, ldc, r, n);
        }
        if (e.residual != null) {
          addResidual(c, co, ldc, r, n, e);
        }
      }
    }
    int w = cols % NR;
    if (w % L != 0 && w % L <= NARROW_COLS) {
      int j = cols - w % L;
      narrowColumns(pa, paOff, bp, cols / NR * NR * k + w / L * L, (w + L - 1) / L * L, k, rows, w % L, c,
          cOff + j, ldc, e, i0, lo, hi);
    }
  }

  /**
   * The last {@code w <= NARROW_COLS} columns of a block, at {@code bp[bo + kk * ldb + t]}: the rows of
   * an A panel (as it is packed, {@link Sgemm#MR} floats per k) in the low lanes of a vector and one
   * value of B broadcast, four panels at a time, where {@link #kernel8x1} would waste all but {@code w}
   * of its lanes. The same sums in the same order as {@link #kernel8x1}. Only the preferred species is
   * used: a second float species makes C2 box the vectors of the other kernels.
   */
  private static void narrowColumns(float[] pa, int paOff, float[] bp, int bo, int ldb, int k, int rows, int w,
      float[] c, int cOff, int ldc, Sgemm.Epilogue e, int i0, float lo, float hi) {
    int mr = Sgemm.MR;
    float[] sums = new float[4 * L];
    float[] bias = new float[4 * L];
    for (int i = 0; i < rows; i += 4 * mr) {
      int panels = Math.min(4, (rows - i + mr - 1) / mr);
      for (int r = 0; r < 4 * mr; r++) {
        bias[r / mr * L + r % mr] = e.bias != null && i + r < rows ? e.bias[e.biasOff + i0 + i + r] : 0f;
      }
      for (int t = 0; t < w; t++) {
        if (panels == 4) {
          narrow4(pa, paOff + i * k, bp, bo + t, ldb, k, bias, sums);
        } else {
          for (int q = 0; q < panels; q++) {
            narrow1(pa, paOff + (i + q * mr) * k, bp, bo + t, ldb, k, bias, q * L, sums);
          }
        }
        for (int r = 0, end = Math.min(4 * mr, rows - i); r < end; r++) {
          c[cOff + (i + r) * ldc + t] = Math.min(Math.max(sums[r / mr * L + r % mr], lo), hi);
        }
      }
      if (e.residual != null) {
        addResidual(c, cOff + i * ldc, ldc, Math.min(4 * mr, rows - i), w, e);
      }
    }
  }

  /**
   * One column of four consecutive A panels: {@code sums[q * L + r] = bias[q * L + r] + sum_k A[q * MR + r][k]
   * b[bo + k * ldb]} for {@code r < MR}. A vector load at k reads rows k and k + 1 of a panel; the lanes of
   * k + 1 are not used, and the last k, whose load would pass the panel's end, is added by scalar fma.
   */
  private static void narrow4(float[] a, int ao, float[] b, int bo, int ldb, int k, float[] bias, float[] sums) {
    int step = k * Sgemm.MR;
    FloatVector c0 = FloatVector.fromArray(S, bias, 0);
    FloatVector c1 = FloatVector.fromArray(S, bias, L);
    FloatVector c2 = FloatVector.fromArray(S, bias, 2 * L);
    FloatVector c3 = FloatVector.fromArray(S, bias, 3 * L);
    for (int kk = 0; kk < k - 1; kk++, ao += 8, bo += ldb) {
      FloatVector x = FloatVector.broadcast(S, b[bo]);
      c0 = FloatVector.fromArray(S, a, ao).fma(x, c0);
      c1 = FloatVector.fromArray(S, a, ao + step).fma(x, c1);
      c2 = FloatVector.fromArray(S, a, ao + 2 * step).fma(x, c2);
      c3 = FloatVector.fromArray(S, a, ao + 3 * step).fma(x, c3);
    }
    c0.intoArray(sums, 0);
    c1.intoArray(sums, L);
    c2.intoArray(sums, 2 * L);
    c3.intoArray(sums, 3 * L);
    lastK(a, ao, step, 4, b[bo], sums, 0);
  }

  /** One column of one A panel into {@code sums[so..so + MR)}, as {@link #narrow4}. */
  private static void narrow1(float[] a, int ao, float[] b, int bo, int ldb, int k, float[] bias, int so,
      float[] sums) {
    FloatVector c0 = FloatVector.fromArray(S, bias, so);
    for (int kk = 0; kk < k - 1; kk++, ao += 8, bo += ldb) {
      c0 = FloatVector.fromArray(S, a, ao).fma(FloatVector.broadcast(S, b[bo]), c0);
    }
    c0.intoArray(sums, so);
    lastK(a, ao, 0, 1, b[bo], sums, so);
  }

  /** {@code sums[so + q * L + r] += a[ao + q * step + r] * bv} (one rounding) for {@code panels} panels. */
  private static void lastK(float[] a, int ao, int step, int panels, float bv, float[] sums, int so) {
    for (int q = 0; q < panels; q++) {
      for (int r = 0; r < Sgemm.MR; r++) {
        int o = so + q * L + r;
        sums[o] = Math.fma(a[ao + q * step + r], bv, sums[o]);
      }
    }
  }

  /**
   * Fewer rows than a panel (a matrix-vector product, like a classifier on one image): columns
   * {@code [j0, j1)} of each row of C accumulate in place while the rows of B stream by, four at a
   * time, so B is read once per row of A and sequentially.
   */
  static void fewRows(int m, int k, float[] pa, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
      Sgemm.Epilogue e, int j0, int j1) {
    int mr = Sgemm.MR;
    int vend = j0 + (j1 - j0) / L * L;
    for (int i = 0; i < m; i++) {
      float bias = e.bias == null ? 0f : e.bias[e.biasOff + i];
      int co = cOff + i * ldc;
      java.util.Arrays.fill(c, co + j0, co + j1, bias);
      int kk = 0;
      for (; kk + 4 <= k; kk += 4) {
        FloatVector a0 = FloatVector.broadcast(S, pa[kk * mr + i]);
        FloatVector a1 = FloatVector.broadcast(S, pa[(kk + 1) * mr + i]);
        FloatVector a2 = FloatVector.broadcast(S, pa[(kk + 2) * mr + i]);
        FloatVector a3 = FloatVector.broadcast(S, pa[(kk + 3) * mr + i]);
        int b0 = bOff + kk * ldb;
        int b1 = b0 + ldb;
        int b2 = b1 + ldb;
        int b3 = b2 + ldb;
        for (int j = j0; j < vend; j += L) {
          FloatVector acc = FloatVector.fromArray(S, c, co + j);
          acc = FloatVector.fromArray(S, b, b0 + j).fma(a0, acc);
          acc = FloatVector.fromArray(S, b, b1 + j).fma(a1, acc);
          acc = FloatVector.fromArray(S, b, b2 + j).fma(a2, acc);
          acc = FloatVector.fromArray(S, b, b3 + j).fma(a3, acc);
          acc.intoArray(c, co + j);
        }
        for (int j = vend; j < j1; j++) {
          c[co + j] += pa[kk * mr + i] * b[b0 + j] + pa[(kk + 1) * mr + i] * b[b1 + j]
              + pa[(kk + 2) * mr + i] * b[b2 + j] + pa[(kk + 3) * mr + i] * b[b3 + j];
        }
      }
      for (; kk < k; kk++) {
        FloatVector a0 = FloatVector.broadcast(S, pa[kk * mr + i]);
        int b0 = bOff + kk * ldb;
        for (int j = j0; j < vend; j += L) {
          FloatVector.fromArray(S, b, b0 + j).fma(a0, FloatVector.fromArray(S, c, co + j)).intoArray(c, co + j);
        }
        for (int j = vend; j < j1; j++) {
          c[co + j] += pa[kk * mr + i] * b[b0 + j];
        }
      }
      for (int j = j0; j < j1; j++) {
        int o = co + j;
        float v = e.residual == null ? c[o] : c[o] + e.residual[o + e.residualShift];
        c[o] = Math.min(Math.max(v, e.lo), e.hi);
      }
    }
  }

  private static void copy(float[] tile, int ldt, float[] c, int co, int ldc, int rows, int cols) {
    for (int i = 0; i < rows; i++) {
      System.arraycopy(tile, i * ldt, c, co + i * ldc, cols);
    }
  }

  /** {@code c = clamp(c + residual)} on a tile (the kernel stored sums plus bias, unclamped). */
  private static void addResidual(float[] c, int co, int ldc, int rows, int cols, Sgemm.Epilogue e) {
    float[] res = e.residual;
    int shift = e.residualShift;
    for (int i = 0; i < rows; i++) {
      int o = co + i * ldc;
      int j = 0;
      if (e.lo == Float.NEGATIVE_INFINITY && e.hi == Float.POSITIVE_INFINITY) {
        for (; j + L <= cols; j += L) {
          FloatVector.fromArray(S, c, o + j).add(FloatVector.fromArray(S, res, o + j + shift)).intoArray(c, o + j);
        }
      }
      for (; j + L <= cols; j += L) {
        FloatVector.fromArray(S, c, o + j).add(FloatVector.fromArray(S, res, o + j + shift))
            .max(e.lo).min(e.hi).intoArray(c, o + j);
      }
      for (; j < cols; j++) {
        c[o + j] = Math.min(Math.max(c[o + j] + res[o + j + shift], e.lo), e.hi);
      }
    }
  }

  /** 8 rows by 3 full vectors: {@code C = clamp(bias + A B)}. */
  static void kernel8x3(float[] a, int ao, float[] b, int bo, int k, float[] c, int co, int ldc,
      float[] bias, float lo, float hi) {
    FloatVector c00 = FloatVector.broadcast(S, bias[0]), c01 = c00, c02 = c00;
    FloatVector c10 = FloatVector.broadcast(S, bias[1]), c11 = c10, c12 = c10;
    FloatVector c20 = FloatVector.broadcast(S, bias[2]), c21 = c20, c22 = c20;
    FloatVector c30 = FloatVector.broadcast(S, bias[3]), c31 = c30, c32 = c30;
    FloatVector c40 = FloatVector.broadcast(S, bias[4]), c41 = c40, c42 = c40;
    FloatVector c50 = FloatVector.broadcast(S, bias[5]), c51 = c50, c52 = c50;
    FloatVector c60 = FloatVector.broadcast(S, bias[6]), c61 = c60, c62 = c60;
    FloatVector c70 = FloatVector.broadcast(S, bias[7]), c71 = c70, c72 = c70;
    for (int kk = 0; kk < k; kk++, bo += NR, ao += 8) {
      FloatVector b0 = FloatVector.fromArray(S, b, bo);
      FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
      FloatVector b2 = FloatVector.fromArray(S, b, bo + 2 * L);
      FloatVector x = FloatVector.broadcast(S, a[ao]);
      c00 = b0.fma(x, c00);
      c01 = b1.fma(x, c01);
      c02 = b2.fma(x, c02);
      x = FloatVector.broadcast(S, a[ao + 1]);
      c10 = b0.fma(x, c10);
      c11 = b1.fma(x, c11);
      c12 = b2.fma(x, c12);
      x = FloatVector.broadcast(S, a[ao + 2]);
      c20 = b0.fma(x, c20);
      c21 = b1.fma(x, c21);
      c22 = b2.fma(x, c22);
      x = FloatVector.broadcast(S, a[ao + 3]);
      c30 = b0.fma(x, c30);
      c31 = b1.fma(x, c31);
      c32 = b2.fma(x, c32);
      x = FloatVector.broadcast(S, a[ao + 4]);
      c40 = b0.fma(x, c40);
      c41 = b1.fma(x, c41);
      c42 = b2.fma(x, c42);
      x = FloatVector.broadcast(S, a[ao + 5]);
      c50 = b0.fma(x, c50);
      c51 = b1.fma(x, c51);
      c52 = b2.fma(x, c52);
      x = FloatVector.broadcast(S, a[ao + 6]);
      c60 = b0.fma(x, c60);
      c61 = b1.fma(x, c61);
      c62 = b2.fma(x, c62);
      x = FloatVector.broadcast(S, a[ao + 7]);
      c70 = b0.fma(x, c70);
      c71 = b1.fma(x, c71);
      c72 = b2.fma(x, c72);
    }
    c00.intoArray(c, co);
    c01.intoArray(c, co + L);
    c02.intoArray(c, co + 2 * L);
    co += ldc;
    c10.intoArray(c, co);
    c11.intoArray(c, co + L);
    c12.intoArray(c, co + 2 * L);
    co += ldc;
    c20.intoArray(c, co);
    c21.intoArray(c, co + L);
    c22.intoArray(c, co + 2 * L);
    co += ldc;
    c30.intoArray(c, co);
    c31.intoArray(c, co + L);
    c32.intoArray(c, co + 2 * L);
    co += ldc;
    c40.intoArray(c, co);
    c41.intoArray(c, co + L);
    c42.intoArray(c, co + 2 * L);
    co += ldc;
    c50.intoArray(c, co);
    c51.intoArray(c, co + L);
    c52.intoArray(c, co + 2 * L);
    co += ldc;
    c60.intoArray(c, co);
    c61.intoArray(c, co + L);
    c62.intoArray(c, co + 2 * L);
    co += ldc;
    c70.intoArray(c, co);
    c71.intoArray(c, co + L);
    c72.intoArray(c, co + 2 * L);
    clamp(c, co - 7 * ldc, ldc, 3 * L, lo, hi);
  }

  /** 8 rows by one vector of a panel {@code ldb} wide: {@code C = clamp(bias + A B)}. */
  static void kernel8x1(float[] a, int ao, float[] b, int bo, int ldb, int k, float[] c, int co, int ldc,
      float[] bias, float lo, float hi) {
    FloatVector c0 = FloatVector.broadcast(S, bias[0]);
    FloatVector c1 = FloatVector.broadcast(S, bias[1]);
    FloatVector c2 = FloatVector.broadcast(S, bias[2]);
    FloatVector c3 = FloatVector.broadcast(S, bias[3]);
    FloatVector c4 = FloatVector.broadcast(S, bias[4]);
    FloatVector c5 = FloatVector.broadcast(S, bias[5]);
    FloatVector c6 = FloatVector.broadcast(S, bias[6]);
    FloatVector c7 = FloatVector.broadcast(S, bias[7]);
    for (int kk = 0; kk < k; kk++, bo += ldb, ao += 8) {
      FloatVector b0 = FloatVector.fromArray(S, b, bo);
      c0 = b0.fma(FloatVector.broadcast(S, a[ao]), c0);
      c1 = b0.fma(FloatVector.broadcast(S, a[ao + 1]), c1);
      c2 = b0.fma(FloatVector.broadcast(S, a[ao + 2]), c2);
      c3 = b0.fma(FloatVector.broadcast(S, a[ao + 3]), c3);
      c4 = b0.fma(FloatVector.broadcast(S, a[ao + 4]), c4);
      c5 = b0.fma(FloatVector.broadcast(S, a[ao + 5]), c5);
      c6 = b0.fma(FloatVector.broadcast(S, a[ao + 6]), c6);
      c7 = b0.fma(FloatVector.broadcast(S, a[ao + 7]), c7);
    }
    c0.intoArray(c, co);
    c1.intoArray(c, co + ldc);
    c2.intoArray(c, co + 2 * ldc);
    c3.intoArray(c, co + 3 * ldc);
    c4.intoArray(c, co + 4 * ldc);
    c5.intoArray(c, co + 5 * ldc);
    c6.intoArray(c, co + 6 * ldc);
    c7.intoArray(c, co + 7 * ldc);
    clamp(c, co, ldc, L, lo, hi);
  }

  /**
   * Clamps the 8 rows by {@code cols} of C a micro-kernel has just stored. Apart from the kernels on
   * purpose: C2 runs out of inlining budget in their long multiply-add bodies before it reaches the
   * epilogue, and a clamp there then ran as the Vector API's boxed Java fallback (20 MB per
   * MobileNetV2 run, found with JFR's allocation samples).
   */
  private static void clamp(float[] c, int co, int ldc, int cols, float lo, float hi) {
    if (lo == Float.NEGATIVE_INFINITY && hi == Float.POSITIVE_INFINITY) {
      return;
    }
    FloatVector vlo = FloatVector.broadcast(S, lo);
    FloatVector vhi = FloatVector.broadcast(S, hi);
    for (int r = 0; r < 8; r++, co += ldc) {
      for (int j = 0; j < cols; j += L) {
        FloatVector.fromArray(S, c, co + j).max(vlo).min(vhi).intoArray(c, co + j);
      }
    }
  }
}
