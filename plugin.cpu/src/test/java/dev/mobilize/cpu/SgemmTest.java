package dev.mobilize.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link Sgemm} against a plain triple loop in double precision, on the scalar loops and (when the
 * JVM has {@code jdk.incubator.vector}) on the Vector API kernels: shapes that are and are not whole
 * panels and vectors, offsets and leading dimensions, every epilogue, one and two threads.
 */
class SgemmTest {

  /**
   * {m, n, k}: tiny, whole panels, ragged rows and columns, fewer rows than a panel, deep k; a few
   * columns past whole vectors over several panels (MobileNet's 7x7 and 14x14 planes); column blocks
   * whose remainder joins the last block.
   */
  private static final int[][] SHAPES = {
      {1, 1, 1}, {3, 17, 5}, {8, 48, 16}, {9, 49, 7}, {16, 100, 33}, {24, 196, 64}, {7, 1000, 40},
      {1, 70, 300}, {40, 12, 3}, {17, 97, 130}, {64, 1, 9}, {40, 49, 96}, {33, 50, 200}, {72, 196, 100},
      {24, 1060, 80}};

  @TestFactory
  Stream<DynamicTest> matchesReference() {
    List<DynamicTest> tests = new ArrayList<>();
    for (boolean vector : Sgemm.VECTOR ? new boolean[] {false, true} : new boolean[] {false}) {
      for (int[] s : SHAPES) {
        for (int threads : new int[] {1, 2}) {
          for (String epilogue : new String[] {"none", "bias+clamp", "bias+residual", "residual+relu"}) {
            String name = (vector ? "vector" : "scalar") + " m=" + s[0] + " n=" + s[1] + " k=" + s[2] + " threads="
                + threads + " " + epilogue;
            tests.add(DynamicTest.dynamicTest(name, () -> check(vector, s[0], s[1], s[2], threads, epilogue)));
          }
        }
      }
    }
    return tests.stream();
  }

  /** {@link Sgemm#gemmOnThread} (B packed whole, one block) gives the very values of {@link Sgemm#gemm}. */
  @Test
  void onThreadIsTheSameAsSplitIntoBlocks() {
    for (int[] s : SHAPES) {
      int m = s[0];
      int n = s[1];
      int k = s[2];
      Random r = new Random(m * 131L + n);
      float[] a = Sgemm.pack(random(r, m * k), 0, m, k, k);
      float[] b = random(r, 3 + k * (n + 2));
      float[] bias = random(r, m);
      float[] residual = random(r, 5 + m * (n + 1));
      Sgemm.Epilogue e = new Sgemm.Epilogue(bias, 0, residual, 0, -1f, 2f);
      float[] expected = new float[5 + m * (n + 1)];
      float[] actual = new float[expected.length];
      try (Parallel p = new Parallel(2)) {
        Sgemm.gemm(m, n, k, a, b, 3, n + 2, expected, 5, n + 1, e, p);
        Sgemm.gemmOnThread(m, n, k, a, b, 3, n + 2, actual, 5, n + 1, e, new float[Sgemm.packedSize(k, n)], p);
      }
      assertArrayEquals(expected, actual, "m=" + m + " n=" + n + " k=" + k);
    }
  }

  private static void check(boolean vector, int m, int n, int k, int threads, String epilogue) {
    Random r = new Random(31L * m + 7L * n + k);
    // A inside a larger matrix (lda > k), B and C with offsets and leading dimensions beyond n
    int lda = k + 3;
    int ldb = n + 5;
    int ldc = n + 2;
    int bOff = 11;
    int cOff = 4;
    float[] a = random(r, 2 + m * lda);
    float[] b = random(r, bOff + k * ldb);
    float[] bias = random(r, m + 3);
    float[] residual = random(r, cOff + 6 + m * ldc);
    boolean withBias = epilogue.contains("bias");
    boolean withResidual = epilogue.contains("residual");
    float lo = epilogue.contains("clamp") || epilogue.contains("relu") ? 0f : Float.NEGATIVE_INFINITY;
    float hi = epilogue.contains("clamp") ? 0.5f : Float.POSITIVE_INFINITY;
    float[] c = new float[cOff + m * ldc];
    java.util.Arrays.fill(c, Float.NaN);
    float[] packed = Sgemm.pack(a, 2, m, k, lda);
    Sgemm.Epilogue e = new Sgemm.Epilogue(withBias ? bias : null, 3, withResidual ? residual : null, 6, lo, hi);
    try (Parallel p = new Parallel(threads)) {
      Sgemm.gemm(vector, m, n, k, packed, b, bOff, ldb, c, cOff, ldc, e, p);
    }
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double sum = 0;
        for (int kk = 0; kk < k; kk++) {
          sum += (double) a[2 + i * lda + kk] * b[bOff + kk * ldb + j];
        }
        int o = cOff + i * ldc + j;
        sum += (withBias ? bias[3 + i] : 0) + (withResidual ? residual[o + 6] : 0);
        double expected = Math.min(Math.max(sum, lo), hi);
        if (!(Math.abs(c[o] - expected) <= 1e-5 + 1e-5 * Math.abs(expected))) {
          fail("C[" + i + "][" + j + "]: expected " + expected + ", actual " + c[o]);
        }
      }
      for (int j = n; j < ldc && i * ldc + j + cOff < c.length; j++) {
        if (!Float.isNaN(c[cOff + i * ldc + j])) {
          fail("C[" + i + "][" + j + "] beyond n=" + n + " was written");
        }
      }
    }
  }

  static float[] random(Random r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = r.nextFloat() * 2 - 1;
    }
    return a;
  }
}
