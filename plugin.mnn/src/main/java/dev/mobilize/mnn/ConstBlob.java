package dev.mobilize.mnn;

import dev.mobilize.ir.Tensor;
import java.util.Arrays;

/**
 * A constant as MNN's {@code Blob} table: NCHW, int64 narrowed to int32 (saturating) as MNNConvert
 * does, floats as {@code float32s} or, with half storage, as {@code DT_HALF} bytes in {@code uint8s}.
 */
final class ConstBlob {

  private ConstBlob() {}

  // Blob fields
  static final int DIMS = 0;
  static final int DATA_FORMAT = 1;
  static final int DATA_TYPE = 2;
  static final int UINT8S = 3;
  static final int INT8S = 4;
  static final int INT32S = 5;
  static final int INT64S = 6;
  static final int FLOAT32S = 7;
  static final int EXTERNAL = 9;
  static final int FIELDS = 10;

  static int write(FlatBuffers.Builder b, Tensor t, boolean half) {
    int[] dims = Arrays.stream(t.dims()).mapToInt(Math::toIntExact).toArray();
    int d = b.ints(dims);
    int slot;
    int type;
    int data;
    switch (t.type()) {
      case FLOAT -> {
        if (half) {
          data = b.bytes(Half.bytes(t.toFloatArray()));
          slot = UINT8S;
          type = MnnSchema.DT_HALF;
        } else {
          data = b.floats(t.toFloatArray());
          slot = FLOAT32S;
          type = MnnSchema.DT_FLOAT;
        }
      }
      case INT32, INT64, BOOL -> {
        data = b.ints(Arrays.stream(t.toLongArray()).mapToInt(ConstBlob::saturate).toArray());
        slot = INT32S;
        type = MnnSchema.DT_INT32;
      }
      case INT8 -> {
        data = b.bytes(t.toByteArray());
        slot = INT8S;
        type = MnnSchema.DT_INT8;
      }
      case UINT8 -> {
        data = b.bytes(t.toByteArray());
        slot = UINT8S;
        type = MnnSchema.DT_UINT8;
      }
      default -> throw new IllegalArgumentException("constant of type " + t.type() + " has no MNN form");
    }
    b.startTable(FIELDS);
    b.addOffset(DIMS, d);
    b.addByte(DATA_FORMAT, MnnSchema.NCHW, 0);
    b.addInt(DATA_TYPE, type, MnnSchema.DT_FLOAT);
    b.addOffset(slot, data);
    return b.endTable();
  }

  static int saturate(long v) {
    return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
  }
}
