package dev.mobilize.cpu;

import java.util.Random;

/**
 * Which {@code short[]} multiply-add loop shapes HotSpot C2 turns into vector code, by throughput in
 * multiply-adds per nanosecond on L1-resident arrays, against float FMA loops of the same shape. C2
 * fuses {@code a*b + c*d} of four short loads into MulAddS2I and, when SuperWord packs it, into
 * MulAddVS2VI ({@code vpmaddwd}; with AVX-512 VNNI and an accumulating add, {@code vpdpwssd}).
 * Compare runs with {@code -XX:-UseSuperWord} (scalar) and {@code -XX:UseAVX=2} (no AVX-512, so no
 * VNNI) to see which shapes vectorize. Not a test: {@code Int16MultiplyAddBenchmark [reps]} from the
 * test classpath. Findings are in docs/QUANTIZATION.md.
 */
public final class Int16MultiplyAddBenchmark {
  static final int N = 1 << 12; // ints of acc (L1-resident: 16 KB acc, 2x 16 KB shorts)

  // 1. the shape of HotSpot's own MulAddS2I test: out[i] += a[2i]*b[2i] + a[2i+1]*b[2i+1], all streaming
  static void stream(int[] acc, short[] a, short[] b, int n) {
    for (int i = 0; i < n; i++) {
      acc[i] += a[2 * i] * b[2 * i] + a[2 * i + 1] * b[2 * i + 1];
    }
  }
  // 2. GEMM row update with a loop-invariant weight pair
  static void bcast(int[] acc, short w0, short w1, short[] b, int n) {
    for (int i = 0; i < n; i++) {
      acc[i] += w0 * b[2 * i] + w1 * b[2 * i + 1];
    }
  }
  // 3. store form without accumulate
  static void storeOnly(int[] out, short[] a, short[] b, int n) {
    for (int i = 0; i < n; i++) {
      out[i] = a[2 * i] * b[2 * i] + a[2 * i + 1] * b[2 * i + 1];
    }
  }
  // 4. reduction (dot product)
  static int dot(short[] a, short[] b, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
      s += a[2 * i] * b[2 * i] + a[2 * i + 1] * b[2 * i + 1];
    }
    return s;
  }
  // 5. float FMA baseline with the same store-per-step shape
  static void fma(float[] acc, float w, float[] b, int n) {
    for (int i = 0; i < n; i++) {
      acc[i] = Math.fma(w, b[i], acc[i]);
    }
  }
  // 6. float store-per-step two k at a time
  static void fma2(float[] acc, float w0, float w1, float[] b0, float[] b1, int n) {
    for (int i = 0; i < n; i++) {
      acc[i] += w0 * b0[i] + w1 * b1[i];
    }
  }

  public static void main(String[] args) {
    int reps = Integer.parseInt(args.length > 0 ? args[0] : "20000");
    int[] acc = new int[N];
    short[] a = new short[2 * N];
    short[] b = new short[2 * N];
    float[] fa = new float[N];
    float[] fb = new float[N];
    float[] fb1 = new float[N];
    Random r = new Random(1);
    for (int i = 0; i < 2 * N; i++) {
      a[i] = (short) (r.nextInt(255) - 127);
      b[i] = (short) (r.nextInt(255) - 127);
    }
    for (int i = 0; i < N; i++) { fb[i] = r.nextFloat(); fb1[i] = r.nextFloat(); }
    long sink = 0;
    for (int round = 0; round < 5; round++) {
      double[] best = new double[6];
      java.util.Arrays.fill(best, Double.MAX_VALUE);
      for (int it = 0; it < 10; it++) {
        long t;
        t = System.nanoTime(); for (int k = 0; k < reps; k++) stream(acc, a, b, N); best[0] = Math.min(best[0], System.nanoTime() - t);
        t = System.nanoTime(); for (int k = 0; k < reps; k++) bcast(acc, a[k & 1023], a[(k + 1) & 1023], b, N); best[1] = Math.min(best[1], System.nanoTime() - t);
        t = System.nanoTime(); for (int k = 0; k < reps; k++) storeOnly(acc, a, b, N); best[2] = Math.min(best[2], System.nanoTime() - t);
        t = System.nanoTime(); for (int k = 0; k < reps; k++) sink += dot(a, b, N); best[3] = Math.min(best[3], System.nanoTime() - t);
        t = System.nanoTime(); for (int k = 0; k < reps; k++) fma(fa, fb[k & 1023], fb, N); best[4] = Math.min(best[4], System.nanoTime() - t);
        t = System.nanoTime(); for (int k = 0; k < reps; k++) fma2(fa, fb[k & 1023], fb1[k & 1023], fb, fb1, N); best[5] = Math.min(best[5], System.nanoTime() - t);
      }
      double macs = (double) reps * N;
      System.out.printf("round %d MAC/ns: stream %.1f  bcast %.1f  storeOnly %.1f  dot %.1f  floatFma %.1f  float2k %.1f%n", round,
          2 * macs / best[0], 2 * macs / best[1], 2 * macs / best[2], 2 * macs / best[3], macs / best[4], 2 * macs / best[5]);
    }
    System.out.println(sink + acc[5] + fa[3]);
  }
}
