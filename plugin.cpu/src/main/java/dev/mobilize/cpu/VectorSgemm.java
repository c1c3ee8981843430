package dev.mobilize.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The {@link Sgemm} micro-kernels on the Vector API: 4 rows by 3 vectors of accumulators, then
 * 4 by 1, then scalar columns. Loaded only when {@code jdk.incubator.vector} is present.
 */
final class VectorSgemm {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  private VectorSgemm() {}

  static boolean probe() {
    return L >= 4 && FloatVector.zero(S).add(1f).reduceLanes(jdk.incubator.vector.VectorOperators.ADD) == L;
  }

  static int tileWidth() {
    return 3 * L * Math.max(1, 96 / (3 * L));
  }

  static void tile(float[] pa, int paOff, int k, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
      int rows, int j0, int j1, float[] bias, int biasOff, float lo, float hi) {
    float bi0 = bias == null ? 0f : bias[biasOff];
    float bi1 = bias == null || rows < 2 ? 0f : bias[biasOff + 1];
    float bi2 = bias == null || rows < 3 ? 0f : bias[biasOff + 2];
    float bi3 = bias == null || rows < 4 ? 0f : bias[biasOff + 3];
    int j = j0;
    for (; j + 3 * L <= j1; j += 3 * L) {
      FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00;
      FloatVector c10 = c00, c11 = c00, c12 = c00;
      FloatVector c20 = c00, c21 = c00, c22 = c00;
      FloatVector c30 = c00, c31 = c00, c32 = c00;
      int bo = bOff + j;
      int ao = paOff;
      for (int kk = 0; kk < k; kk++, bo += ldb, ao += 4) {
        FloatVector b0 = FloatVector.fromArray(S, b, bo);
        FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
        FloatVector b2 = FloatVector.fromArray(S, b, bo + 2 * L);
        FloatVector a = FloatVector.broadcast(S, pa[ao]);
        c00 = b0.fma(a, c00);
        c01 = b1.fma(a, c01);
        c02 = b2.fma(a, c02);
        a = FloatVector.broadcast(S, pa[ao + 1]);
        c10 = b0.fma(a, c10);
        c11 = b1.fma(a, c11);
        c12 = b2.fma(a, c12);
        a = FloatVector.broadcast(S, pa[ao + 2]);
        c20 = b0.fma(a, c20);
        c21 = b1.fma(a, c21);
        c22 = b2.fma(a, c22);
        a = FloatVector.broadcast(S, pa[ao + 3]);
        c30 = b0.fma(a, c30);
        c31 = b1.fma(a, c31);
        c32 = b2.fma(a, c32);
      }
      int o = cOff + j;
      store(c00, bi0, lo, hi, c, o);
      store(c01, bi0, lo, hi, c, o + L);
      store(c02, bi0, lo, hi, c, o + 2 * L);
      if (rows > 1) {
        o += ldc;
        store(c10, bi1, lo, hi, c, o);
        store(c11, bi1, lo, hi, c, o + L);
        store(c12, bi1, lo, hi, c, o + 2 * L);
      }
      if (rows > 2) {
        o += ldc;
        store(c20, bi2, lo, hi, c, o);
        store(c21, bi2, lo, hi, c, o + L);
        store(c22, bi2, lo, hi, c, o + 2 * L);
      }
      if (rows > 3) {
        o += ldc;
        store(c30, bi3, lo, hi, c, o);
        store(c31, bi3, lo, hi, c, o + L);
        store(c32, bi3, lo, hi, c, o + 2 * L);
      }
    }
    for (; j + L <= j1; j += L) {
      FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
      int bo = bOff + j;
      int ao = paOff;
      for (int kk = 0; kk < k; kk++, bo += ldb, ao += 4) {
        FloatVector b0 = FloatVector.fromArray(S, b, bo);
        c0 = b0.fma(FloatVector.broadcast(S, pa[ao]), c0);
        c1 = b0.fma(FloatVector.broadcast(S, pa[ao + 1]), c1);
        c2 = b0.fma(FloatVector.broadcast(S, pa[ao + 2]), c2);
        c3 = b0.fma(FloatVector.broadcast(S, pa[ao + 3]), c3);
      }
      int o = cOff + j;
      store(c0, bi0, lo, hi, c, o);
      if (rows > 1) {
        store(c1, bi1, lo, hi, c, o + ldc);
      }
      if (rows > 2) {
        store(c2, bi2, lo, hi, c, o + 2 * ldc);
      }
      if (rows > 3) {
        store(c3, bi3, lo, hi, c, o + 3 * ldc);
      }
    }
    if (j < j1) {
      Sgemm.scalarTile(pa, paOff, k, b, bOff, ldb, c, cOff, ldc, rows, j, j1, bias, biasOff, lo, hi);
    }
  }

  private static void store(FloatVector v, float bias, float lo, float hi, float[] c, int o) {
    v.add(bias).max(lo).min(hi).intoArray(c, o);
  }
}
