package dev.mobilize.tnn;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Half;
import dev.mobilize.ir.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * TNN's typed raw buffer: a data type code, dims (v2 format; empty in v1 or for empty buffers) and
 * little-endian bytes. Data types: 0 float, 1 half, 2 int8, 3 int32, 5 int64.
 */
record RawBuffer(int dataType, int[] dims, byte[] bytes) {

  static final int FLOAT = 0;
  static final int HALF = 1;
  static final int INT8 = 2;
  static final int INT32 = 3;
  static final int INT64 = 5;

  static final RawBuffer EMPTY = new RawBuffer(FLOAT, new int[0], new byte[0]);

  boolean isEmpty() {
    return bytes.length == 0;
  }

  int elementSize() {
    return switch (dataType) {
      case FLOAT, INT32 -> 4;
      case HALF -> 2;
      case INT8 -> 1;
      case INT64 -> 8;
      default -> throw new IllegalArgumentException("raw buffer has data type " + dataType
          + ", expected 0 (float), 1 (half), 2 (int8), 3 (int32) or 5 (int64)");
    };
  }

  int count() {
    return bytes.length / elementSize();
  }

  /** The values as floats (half is widened). */
  float[] floats() {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    float[] f = new float[count()];
    for (int i = 0; i < f.length; i++) {
      f[i] = switch (dataType) {
        case FLOAT -> b.getFloat();
        case HALF -> Half.toFloat(b.getShort());
        case INT8 -> b.get();
        case INT32 -> b.getInt();
        case INT64 -> b.getLong();
        default -> throw new IllegalStateException();
      };
    }
    return f;
  }

  /** As an IR tensor of {@code dims} (float for float and half, else the integer type). */
  Tensor toTensor(long[] shape) {
    return switch (dataType) {
      case FLOAT, HALF -> Tensor.ofFloats(shape, floats());
      case INT32 -> Tensor.of(DataType.INT32, shape, bytes);
      case INT64 -> Tensor.of(DataType.INT64, shape, bytes);
      case INT8 -> Tensor.of(DataType.INT8, shape, bytes);
      default -> throw new IllegalStateException();
    };
  }

  /** The dims as longs (the stored dims, or {@code [count]} when none are stored). */
  long[] shape() {
    if (dims.length == 0) {
      return new long[] {count()};
    }
    long[] s = new long[dims.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = dims[i];
    }
    return s;
  }

  /** An fp32 buffer of a float tensor, or int32/int64 for integer tensors. */
  static RawBuffer of(Tensor t) {
    long[] d = t.dims();
    int[] dims = new int[d.length];
    for (int i = 0; i < d.length; i++) {
      dims[i] = Math.toIntExact(d[i]);
    }
    return switch (t.type()) {
      case FLOAT, FLOAT16, DOUBLE -> floats(dims, t.toFloatArray());
      case INT32 -> new RawBuffer(INT32, dims, t.toByteArray());
      case INT64 -> new RawBuffer(INT64, dims, t.toByteArray());
      default -> throw new IllegalArgumentException("TNN stores float, int32 and int64 tensors, not " + t.type());
    };
  }

  static RawBuffer ints(int[] dims, int[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : values) {
      b.putInt(v);
    }
    return new RawBuffer(INT32, dims, b.array());
  }

  static RawBuffer floats(int[] dims, float[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return new RawBuffer(FLOAT, dims, b.array());
  }
}
