package dev.mobilize.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float GEMM micro-kernel of {@link Int8GemmOnFloats} with int8 output: an {@link Sgemm#MR} x 3-vector
 * tile of sums starts from the rows' biases, takes the same fused multiply-adds as {@link VectorSgemm}'s kernel
 * on the same packed operands, goes to a small float tile that stays in L1, and is requantized from there
 * ({@link VectorInt8#requantizeSums}, or the residual form {@link VectorInt8#addResidual}) straight into the
 * int8 output, tile by tile, instead of in a second pass over the whole output. (Requantizing in the
 * accumulators themselves made the kernel longer than C2's inlining budget: the epilogue's vector calls were
 * left uninlined and boxed every vector, about 18 MB per MobileNetV2 run as JFR's allocation samples showed.)
 *
 * <p>Exact as {@link Int8GemmOnFloats} explains, for rows whose bias is a float ({@code floatBias} not NaN)
 * and clamping activations ({@code rq.post == null}); the caller checks both. Loaded only when
 * {@code jdk.incubator.vector} is present.
 */
final class VectorInt8GemmOut {

  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final int L = F.length();
  private static final int NR = 3 * L;

  private VectorInt8GemmOut() {}

  /** Whether the kernels run on this machine's vectors (the packed layouts of {@link VectorSgemm}). */
  static boolean available() {
    return Sgemm.MR == 8 && VectorSgemm.NR == NR;
  }

  /**
   * Rows {@code [r0, r0 + rows)} (a multiple of {@link Sgemm#MR} from {@code r0}, or up to {@code m}) by the
   * {@code width} columns packed in {@code bp} ({@link VectorInt8#packB}) of int8 output at
   * {@code out[outOff + i * ldo + j]} for row {@code r0 + i}, column {@code j}. {@code pa} holds the A
   * panels ({@link Sgemm#pack}), {@code tile} at least {@code MR * NR} floats. Without {@code res} the
   * requantization of {@code rq}; with {@code res} (int8, laid out as {@code out}) the residual form of {@link VectorInt8#addResidual}
   * ({@code out = saturate(rint(((sum + bias) * x_scale * W_scale[c] + res * rScale) / yScale))}).
   */
  static void block(float[] pa, int r0, int k, float[] bp, int rows, int width, float[] floatBias, Requantize rq,
      byte[] res, float rScale, float yScale, byte[] out, int outOff, int ldo, float[] tile) {
    int mr = Sgemm.MR;
    float[] bias = new float[mr];
    float[] mult = new float[mr];
    for (int i = 0; i < rows; i += mr) {
      int ao = (r0 + i) * k;
      int r = Math.min(mr, rows - i);
      for (int ii = 0; ii < mr; ii++) {
        bias[ii] = ii < r ? floatBias[r0 + i + ii] : 0f;
        mult[ii] = ii < r ? (res == null ? rq.mult : rq.scale)[r0 + i + ii] : 0f;
      }
      int o = outOff + i * ldo;
      int bo = 0;
      int j = 0;
      for (; j + NR <= width; j += NR, bo += k * NR) {
        if (r == mr) {
          // the sums go through a small tile in L1: requantizing in the kernel's registers made its body
          // longer than C2's inlining budget, and the epilogue's vector calls then ran boxed
          kernel8x3Sums(pa, ao, bp, bo, k, bias, tile);
          for (int ii = 0; ii < mr; ii++) {
            if (res == null) {
              VectorInt8.requantizeSums(tile, ii * NR, 0f, r0 + i + ii, rq, NR, out, o + ii * ldo + j);
            } else {
              VectorInt8.addResidual(tile, ii * NR, 0f, mult[ii], res, o + ii * ldo + j, rScale, yScale, NR, out,
                  o + ii * ldo + j);
            }
          }
        } else {
          for (int v = 0; v < NR; v += L) {
            kernel8x1(pa, ao, bp, bo + v, NR, k, bias, tile);
            store(tile, r0 + i, r, rq, res, rScale, yScale, L, out, o + j + v, ldo);
          }
        }
      }
      int w = width - j;
      int wv = (w + L - 1) / L * L; // the last panel is as wide as its whole vectors
      for (int v = 0; v < w; v += L) {
        kernel8x1(pa, ao, bp, bo + v, wv, k, bias, tile);
        store(tile, r0 + i, r, rq, res, rScale, yScale, Math.min(L, w - v), out, o + j + v, ldo);
      }
    }
  }

  /** Rows {@code [0, r)} of a tile ({@code L} floats each, bias included) to int8, {@code count} columns each (with {@code res}: the residual form). */
  private static void store(float[] tile, int ch0, int r, Requantize rq, byte[] res, float rScale, float yScale,
      int count, byte[] out, int o, int ldo) {
    for (int ii = 0; ii < r; ii++) {
      if (res == null) {
        VectorInt8.requantizeSums(tile, ii * L, 0f, ch0 + ii, rq, count, out, o + ii * ldo);
      } else {
        VectorInt8.addResidual(tile, ii * L, 0f, rq.scale[ch0 + ii], res, o + ii * ldo, rScale, yScale, count, out,
            o + ii * ldo);
      }
    }
  }

  /** 8 rows by one vector of a panel {@code ldb} wide: {@code tile[ii * L ..] = bias[ii] + A B}. */
  private static void kernel8x1(float[] a, int ao, float[] b, int bo, int ldb, int k, float[] bias, float[] tile) {
    FloatVector c0 = FloatVector.broadcast(F, bias[0]);
    FloatVector c1 = FloatVector.broadcast(F, bias[1]);
    FloatVector c2 = FloatVector.broadcast(F, bias[2]);
    FloatVector c3 = FloatVector.broadcast(F, bias[3]);
    FloatVector c4 = FloatVector.broadcast(F, bias[4]);
    FloatVector c5 = FloatVector.broadcast(F, bias[5]);
    FloatVector c6 = FloatVector.broadcast(F, bias[6]);
    FloatVector c7 = FloatVector.broadcast(F, bias[7]);
    for (int kk = 0; kk < k; kk++, bo += ldb, ao += 8) {
      FloatVector b0 = FloatVector.fromArray(F, b, bo);
      c0 = b0.fma(FloatVector.broadcast(F, a[ao]), c0);
      c1 = b0.fma(FloatVector.broadcast(F, a[ao + 1]), c1);
      c2 = b0.fma(FloatVector.broadcast(F, a[ao + 2]), c2);
      c3 = b0.fma(FloatVector.broadcast(F, a[ao + 3]), c3);
      c4 = b0.fma(FloatVector.broadcast(F, a[ao + 4]), c4);
      c5 = b0.fma(FloatVector.broadcast(F, a[ao + 5]), c5);
      c6 = b0.fma(FloatVector.broadcast(F, a[ao + 6]), c6);
      c7 = b0.fma(FloatVector.broadcast(F, a[ao + 7]), c7);
    }
    c0.intoArray(tile, 0);
    c1.intoArray(tile, L);
    c2.intoArray(tile, 2 * L);
    c3.intoArray(tile, 3 * L);
    c4.intoArray(tile, 4 * L);
    c5.intoArray(tile, 5 * L);
    c6.intoArray(tile, 6 * L);
    c7.intoArray(tile, 7 * L);
  }

  /** 8 rows by 3 full vectors of sums (bias included) into {@code tile[ii * NR ..]}. */
  private static void kernel8x3Sums(float[] a, int ao, float[] b, int bo, int k, float[] bias, float[] tile) {
    FloatVector c00 = FloatVector.broadcast(F, bias[0]), c01 = c00, c02 = c00;
    FloatVector c10 = FloatVector.broadcast(F, bias[1]), c11 = c10, c12 = c10;
    FloatVector c20 = FloatVector.broadcast(F, bias[2]), c21 = c20, c22 = c20;
    FloatVector c30 = FloatVector.broadcast(F, bias[3]), c31 = c30, c32 = c30;
    FloatVector c40 = FloatVector.broadcast(F, bias[4]), c41 = c40, c42 = c40;
    FloatVector c50 = FloatVector.broadcast(F, bias[5]), c51 = c50, c52 = c50;
    FloatVector c60 = FloatVector.broadcast(F, bias[6]), c61 = c60, c62 = c60;
    FloatVector c70 = FloatVector.broadcast(F, bias[7]), c71 = c70, c72 = c70;
    for (int kk = 0; kk < k; kk++, bo += NR, ao += 8) {
      FloatVector b0 = FloatVector.fromArray(F, b, bo);
      FloatVector b1 = FloatVector.fromArray(F, b, bo + L);
      FloatVector b2 = FloatVector.fromArray(F, b, bo + 2 * L);
      FloatVector x = FloatVector.broadcast(F, a[ao]);
      c00 = b0.fma(x, c00);
      c01 = b1.fma(x, c01);
      c02 = b2.fma(x, c02);
      x = FloatVector.broadcast(F, a[ao + 1]);
      c10 = b0.fma(x, c10);
      c11 = b1.fma(x, c11);
      c12 = b2.fma(x, c12);
      x = FloatVector.broadcast(F, a[ao + 2]);
      c20 = b0.fma(x, c20);
      c21 = b1.fma(x, c21);
      c22 = b2.fma(x, c22);
      x = FloatVector.broadcast(F, a[ao + 3]);
      c30 = b0.fma(x, c30);
      c31 = b1.fma(x, c31);
      c32 = b2.fma(x, c32);
      x = FloatVector.broadcast(F, a[ao + 4]);
      c40 = b0.fma(x, c40);
      c41 = b1.fma(x, c41);
      c42 = b2.fma(x, c42);
      x = FloatVector.broadcast(F, a[ao + 5]);
      c50 = b0.fma(x, c50);
      c51 = b1.fma(x, c51);
      c52 = b2.fma(x, c52);
      x = FloatVector.broadcast(F, a[ao + 6]);
      c60 = b0.fma(x, c60);
      c61 = b1.fma(x, c61);
      c62 = b2.fma(x, c62);
      x = FloatVector.broadcast(F, a[ao + 7]);
      c70 = b0.fma(x, c70);
      c71 = b1.fma(x, c71);
      c72 = b2.fma(x, c72);
    }
    c00.intoArray(tile, 0 * L);
    c01.intoArray(tile, 1 * L);
    c02.intoArray(tile, 2 * L);
    c10.intoArray(tile, 3 * L);
    c11.intoArray(tile, 4 * L);
    c12.intoArray(tile, 5 * L);
    c20.intoArray(tile, 6 * L);
    c21.intoArray(tile, 7 * L);
    c22.intoArray(tile, 8 * L);
    c30.intoArray(tile, 9 * L);
    c31.intoArray(tile, 10 * L);
    c32.intoArray(tile, 11 * L);
    c40.intoArray(tile, 12 * L);
    c41.intoArray(tile, 13 * L);
    c42.intoArray(tile, 14 * L);
    c50.intoArray(tile, 15 * L);
    c51.intoArray(tile, 16 * L);
    c52.intoArray(tile, 17 * L);
    c60.intoArray(tile, 18 * L);
    c61.intoArray(tile, 19 * L);
    c62.intoArray(tile, 20 * L);
    c70.intoArray(tile, 21 * L);
    c71.intoArray(tile, 22 * L);
    c72.intoArray(tile, 23 * L);
  }


}
