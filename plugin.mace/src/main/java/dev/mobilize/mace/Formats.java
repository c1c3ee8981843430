package dev.mobilize.mace;

import dev.mobilize.ir.Tensor;

/**
 * MACE's data formats and the NHWC description convention. MACE's converter describes the
 * arguments and output shapes of ops whose {@code data_format} argument is {@link #AUTO} in NHWC
 * order (its CPU runtime turns them back to NCHW); ops with {@link #NCHW} or {@link #NONE} see
 * tensors as the source framework laid them out.
 */
final class Formats {

  private Formats() {}

  static final int NONE = 0;
  static final int NHWC = 1;
  static final int NCHW = 2;
  static final int OIHW = 101;
  static final int AUTO = 1000;

  /** MACE's framework_type for models converted from TensorFlow. */
  static final int FRAMEWORK_TENSORFLOW = 0;

  /** MACE's framework_type for models converted from ONNX. */
  static final int FRAMEWORK_ONNX = 2;

  /** NCHW dims to NHWC. */
  static long[] toNhwc(long[] d) {
    return d.length == 4 ? new long[] {d[0], d[2], d[3], d[1]} : d.clone();
  }

  /** NHWC dims to NCHW. */
  static long[] toNchw(long[] d) {
    return d.length == 4 ? new long[] {d[0], d[3], d[1], d[2]} : d.clone();
  }

  /** An NCHW axis of a rank-4 tensor as its NHWC axis. */
  static int axisToNhwc(int nchwAxis) {
    return new int[] {0, 3, 1, 2}[nchwAxis];
  }

  /** An NHWC axis of a rank-4 tensor as its NCHW axis. */
  static int axisToNchw(int nhwcAxis) {
    return new int[] {0, 2, 3, 1}[nhwcAxis];
  }

  /** A float [A, B, kh, kw] tensor as [B, A, kh, kw]: ONNX's ConvTranspose weight [C, M] as MACE's filter [M, C] and back. */
  static Tensor swapFirstAxes(Tensor t) {
    long[] d = t.dims();
    float[] src = t.toFloatArray();
    float[] dst = new float[src.length];
    int p = (int) d[0];
    int q = (int) d[1];
    int k = (int) (d[2] * d[3]);
    for (int i = 0; i < p; i++) {
      for (int j = 0; j < q; j++) {
        System.arraycopy(src, (i * q + j) * k, dst, (j * p + i) * k, k);
      }
    }
    return Tensor.ofFloats(new long[] {q, p, d[2], d[3]}, dst);
  }

}
