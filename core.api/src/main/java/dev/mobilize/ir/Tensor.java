package dev.mobilize.ir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A constant: element type, fixed dimensions and the elements as little-endian bytes (or a list of
 * strings for {@link DataType#STRING}). Immutable; arrays are copied in and out.
 *
 * <p>Example: {@code Tensor.ofFloats(new long[] {2}, 1f, 2f).toFloatArray()} gives {@code [1.0, 2.0]}.
 */
public final class Tensor {

  private final DataType type;
  private final long[] dims;
  private final ByteBuffer data;
  private final List<String> strings;

  private Tensor(DataType type, long[] dims, ByteBuffer data, List<String> strings) {
    this.type = Objects.requireNonNull(type, "type");
    this.dims = dims.clone();
    for (long d : this.dims) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in tensor shape " + Shape.format(dims));
      }
    }
    long count = Shape.numElements(this.dims);
    if (type == DataType.STRING) {
      if (strings.size() != count) {
        throw new IllegalArgumentException(
            "string tensor " + Shape.format(dims) + " needs " + count + " strings, got " + strings.size());
      }
      this.strings = List.copyOf(strings);
      this.data = ByteBuffer.allocate(0);
    } else {
      if (type == DataType.UNDEFINED) {
        throw new IllegalArgumentException("a tensor needs a defined data type");
      }
      long need = type.storageBytes(count);
      if (data.remaining() != need) {
        throw new IllegalArgumentException("tensor " + type.shortName() + Shape.format(dims) + " needs "
            + need + " bytes, got " + data.remaining());
      }
      this.data = data.slice().order(ByteOrder.LITTLE_ENDIAN).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
      this.strings = List.of();
    }
  }

  /**
   * A tensor over little-endian bytes. The bytes are copied.
   *
   * @throws IllegalArgumentException if the byte count does not match type and dimensions
   */
  public static Tensor of(DataType type, long[] dims, byte[] littleEndianBytes) {
    return new Tensor(type, dims, ByteBuffer.wrap(littleEndianBytes.clone()), List.of());
  }

  /**
   * A tensor sharing {@code littleEndian}'s remaining bytes (no copy: the caller must not change them
   * afterwards).
   */
  public static Tensor wrap(DataType type, long[] dims, ByteBuffer littleEndian) {
    return new Tensor(type, dims, littleEndian, List.of());
  }

  /** A string tensor. */
  public static Tensor ofStrings(long[] dims, List<String> values) {
    return new Tensor(DataType.STRING, dims, null, values);
  }

  /** A float32 tensor. */
  public static Tensor ofFloats(long[] dims, float... values) {
    ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(values.length, 4)).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    return new Tensor(DataType.FLOAT, dims, b, List.of());
  }

  /** A float16 tensor from float32 values, rounded to nearest even. */
  public static Tensor ofHalfs(long[] dims, float... values) {
    ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(values.length, 2)).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putShort(Half.fromFloat(v));
    }
    b.flip();
    return new Tensor(DataType.FLOAT16, dims, b, List.of());
  }

  /** An int64 tensor. */
  public static Tensor ofLongs(long[] dims, long... values) {
    ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(values.length, 8)).order(ByteOrder.LITTLE_ENDIAN);
    b.asLongBuffer().put(values);
    return new Tensor(DataType.INT64, dims, b, List.of());
  }

  /** An int32 tensor. */
  public static Tensor ofInts(long[] dims, int... values) {
    ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(values.length, 4)).order(ByteOrder.LITTLE_ENDIAN);
    b.asIntBuffer().put(values);
    return new Tensor(DataType.INT32, dims, b, List.of());
  }

  /** A one-dimensional int64 tensor, as shape and axes inputs are. */
  public static Tensor vector(long... values) {
    return ofLongs(new long[] {values.length}, values);
  }

  /** A float32 scalar. */
  public static Tensor scalar(float value) {
    return ofFloats(new long[0], value);
  }

  /** The element type. */
  public DataType type() {
    return type;
  }

  /** The dimensions (a copy). */
  public long[] dims() {
    return dims.clone();
  }

  /** The dimensions as a {@link Shape}. */
  public Shape shape() {
    return Shape.of(dims);
  }

  /** The rank. */
  public int rank() {
    return dims.length;
  }

  /** Number of elements. */
  public long numElements() {
    return Shape.numElements(dims);
  }

  /** Number of bytes of the element data (0 for strings). */
  public long byteSize() {
    return data.remaining();
  }

  /** The element bytes, little-endian, read-only, positioned at 0. */
  public ByteBuffer data() {
    return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** A copy of the element bytes. */
  public byte[] toByteArray() {
    byte[] out = new byte[data.remaining()];
    data.duplicate().get(out);
    return out;
  }

  /** The strings of a string tensor (empty for other types). */
  public List<String> strings() {
    return strings;
  }

  /**
   * The elements converted to float32, for any numeric type or bool.
   *
   * @throws IllegalStateException for strings and complex types
   */
  public float[] toFloatArray() {
    int n = checkedCount();
    float[] out = new float[n];
    ByteBuffer b = data();
    switch (type) {
      case FLOAT -> b.asFloatBuffer().get(out);
      case DOUBLE -> {
        for (int i = 0; i < n; i++) {
          out[i] = (float) b.getDouble(i * 8);
        }
      }
      case FLOAT16 -> {
        for (int i = 0; i < n; i++) {
          out[i] = Half.toFloat(b.getShort(i * 2));
        }
      }
      case BFLOAT16 -> {
        for (int i = 0; i < n; i++) {
          out[i] = Half.bfloat16ToFloat(b.getShort(i * 2));
        }
      }
      default -> {
        long[] longs = toLongArray();
        for (int i = 0; i < n; i++) {
          out[i] = longs[i];
        }
      }
    }
    return out;
  }

  /**
   * The elements converted to int64, for integer types and bool (floats are truncated toward zero).
   *
   * @throws IllegalStateException for strings and complex types
   */
  public long[] toLongArray() {
    int n = checkedCount();
    long[] out = new long[n];
    ByteBuffer b = data();
    switch (type) {
      case INT64, UINT64 -> b.asLongBuffer().get(out);
      case INT32 -> {
        for (int i = 0; i < n; i++) {
          out[i] = b.getInt(i * 4);
        }
      }
      case UINT32 -> {
        for (int i = 0; i < n; i++) {
          out[i] = b.getInt(i * 4) & 0xffffffffL;
        }
      }
      case INT16 -> {
        for (int i = 0; i < n; i++) {
          out[i] = b.getShort(i * 2);
        }
      }
      case UINT16 -> {
        for (int i = 0; i < n; i++) {
          out[i] = b.getShort(i * 2) & 0xffff;
        }
      }
      case INT8 -> {
        for (int i = 0; i < n; i++) {
          out[i] = b.get(i);
        }
      }
      case UINT8, BOOL -> {
        for (int i = 0; i < n; i++) {
          out[i] = b.get(i) & 0xff;
        }
      }
      case INT4, UINT4 -> {
        for (int i = 0; i < n; i++) {
          int nibble = (b.get(i / 2) >> ((i & 1) * 4)) & 0xf;
          out[i] = type == DataType.INT4 && nibble >= 8 ? nibble - 16 : nibble;
        }
      }
      case FLOAT, DOUBLE, FLOAT16, BFLOAT16 -> {
        float[] f = toFloatArray();
        for (int i = 0; i < n; i++) {
          out[i] = (long) f[i];
        }
      }
      default -> throw new IllegalStateException("cannot read " + type + " tensor as numbers");
    }
    return out;
  }

  /** The elements as int32 (see {@link #toLongArray()}), each checked to fit. */
  public int[] toIntArray() {
    long[] l = toLongArray();
    int[] out = new int[l.length];
    for (int i = 0; i < l.length; i++) {
      out[i] = Math.toIntExact(l[i]);
    }
    return out;
  }

  private int checkedCount() {
    long n = numElements();
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("tensor of " + n + " elements is too large for a Java array");
    }
    if (type == DataType.STRING || type == DataType.COMPLEX64 || type == DataType.COMPLEX128
        || type.name().startsWith("FLOAT8")) {
      if (type.name().startsWith("FLOAT8")) {
        throw new IllegalStateException("float8 tensors cannot be converted yet");
      }
      throw new IllegalStateException("cannot read " + type + " tensor as numbers");
    }
    return (int) n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tensor t && type == t.type && Arrays.equals(dims, t.dims)
        && data.equals(t.data) && strings.equals(t.strings);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, Arrays.hashCode(dims), data, strings);
  }

  /** {@code f32[2,2]{1.0, 2.0, 3.0, 4.0}}, eliding elements after the first eight. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(type.shortName()).append(Shape.format(dims)).append('{');
    long n = numElements();
    int show = (int) Math.min(n, 8);
    if (type == DataType.STRING) {
      for (int i = 0; i < show; i++) {
        sb.append(i > 0 ? ", " : "").append('"').append(strings.get(i)).append('"');
      }
    } else if (show > 0 && !type.name().startsWith("COMPLEX") && !type.name().startsWith("FLOAT8")) {
      if (type.isFloatingPoint()) {
        float[] f = firstFloats(show);
        for (int i = 0; i < show; i++) {
          sb.append(i > 0 ? ", " : "").append(f[i]);
        }
      } else {
        long[] l = firstLongs(show);
        for (int i = 0; i < show; i++) {
          sb.append(i > 0 ? ", " : "").append(l[i]);
        }
      }
    }
    if (n > show) {
      sb.append(", ...");
    }
    return sb.append('}').toString();
  }

  private float[] firstFloats(int count) {
    long[] d = {count};
    ByteBuffer b = data();
    b.limit((int) type.storageBytes(count));
    return new Tensor(type, d, b, List.of()).toFloatArray();
  }

  private long[] firstLongs(int count) {
    long[] d = {count};
    ByteBuffer b = data();
    b.limit((int) type.storageBytes(count));
    return new Tensor(type, d, b, List.of()).toLongArray();
  }
}
