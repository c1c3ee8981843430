package dev.mobilize.mace;

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
}
