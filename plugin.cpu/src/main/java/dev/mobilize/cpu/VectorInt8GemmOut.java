package dev.mobilize.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The blocks of {@link Int8GemmOnFloats}'s float GEMM with int8 output: an {@link Sgemm#MR} x 3-vector
 * tile of sums, computed by {@link VectorSgemm}'s own micro-kernels on the same packed operands, goes to a
 * small float tile that stays in L1, and is requantized from there
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
  /** No clamp for {@link VectorSgemm}'s kernels: the tile gets the plain sums. */
  private static final float NO_CLAMP = Float.NEGATIVE_INFINITY;

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
          VectorSgemm.kernel8x3(pa, ao, bp, bo, k, tile, 0, NR, bias, NO_CLAMP, -NO_CLAMP);
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
            VectorSgemm.kernel8x1(pa, ao, bp, bo + v, NR, k, tile, 0, L, bias, NO_CLAMP, -NO_CLAMP);
            store(tile, r0 + i, r, rq, res, rScale, yScale, L, out, o + j + v, ldo);
          }
        }
      }
      int w = width - j;
      int wv = (w + L - 1) / L * L; // the last panel is as wide as its whole vectors
      for (int v = 0; v < w; v += L) {
        VectorSgemm.kernel8x1(pa, ao, bp, bo + v, wv, k, tile, 0, L, bias, NO_CLAMP, -NO_CLAMP);
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
}
