package dev.mobilize.cpu;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Half;
import dev.mobilize.ir.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * A tensor while the executor runs: element type, shape and a plain Java array. Floating-point types
 * (float32, float16, bfloat16, double) are held and computed as {@code float[]}; integers and bool as
 * {@code long[]}; strings as {@code String[]}. Kernels never write into their inputs.
 */
final class NdArray {

  final DataType type;
  final int[] shape;
  final float[] f;
  final long[] l;
  final String[] s;
  final byte[] b;

  private NdArray(DataType type, int[] shape, float[] f, long[] l, String[] s) {
    this(type, shape, f, l, s, null);
  }

  private NdArray(DataType type, int[] shape, float[] f, long[] l, String[] s, byte[] b) {
    this.type = type;
    this.shape = shape;
    this.f = f;
    this.l = l;
    this.s = s;
    this.b = b;
  }

  /** An int8 tensor held as bytes (only the int8 kernels and {@link #toTensor} read these). */
  static NdArray ofBytes(int[] shape, byte[] data) {
    return new NdArray(DataType.INT8, shape, null, null, null, data);
  }

  static NdArray ofFloats(DataType type, int[] shape, float[] data) {
    return new NdArray(type, shape, data, null, null);
  }

  static NdArray ofFloats(int[] shape, float[] data) {
    return new NdArray(DataType.FLOAT, shape, data, null, null);
  }

  static NdArray ofLongs(DataType type, int[] shape, long[] data) {
    return new NdArray(type, shape, null, data, null);
  }

  static NdArray ofLongs(int[] shape, long[] data) {
    return new NdArray(DataType.INT64, shape, null, data, null);
  }

  static NdArray ofStrings(int[] shape, String[] data) {
    return new NdArray(DataType.STRING, shape, null, null, data);
  }

  /** The same elements with another shape (shares the data). */
  NdArray reshape(int[] newShape) {
    return new NdArray(type, newShape, f, l, s, b);
  }

  /** The same elements labelled with another type of the same storage kind (shares the data). */
  NdArray retype(DataType newType) {
    return new NdArray(newType, shape, f, l, s, b);
  }

  /** The data array, whatever its kind. */
  Object data() {
    return f != null ? f : l != null ? l : b != null ? b : s;
  }

  boolean isFloat() {
    return f != null;
  }

  int size() {
    return f != null ? f.length : l != null ? l.length : b != null ? b.length : s.length;
  }

  int rank() {
    return shape.length;
  }

  int dim(int i) {
    return shape[i < 0 ? shape.length + i : i];
  }

  /** Element {@code i} as a float, for any numeric kind. */
  float getFloat(int i) {
    return f != null ? f[i] : (float) l[i];
  }

  /** Element {@code i} as a long (floats truncated toward zero). */
  long getLong(int i) {
    return l != null ? l[i] : (long) f[i];
  }

  /** The elements as longs (a copy for floats; the array itself otherwise). */
  long[] longs() {
    if (l != null) {
      return l;
    }
    long[] out = new long[f.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (long) f[i];
    }
    return out;
  }

  /** The elements as floats (a copy for integers; the array itself otherwise). */
  float[] floats() {
    if (f != null) {
      return f;
    }
    float[] out = new float[l.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = l[i];
    }
    return out;
  }

  String shapeString() {
    return type.shortName() + Arrays.toString(shape).replace(" ", "");
  }

  @Override
  public String toString() {
    return shapeString();
  }

  /** True for the types held as {@code float[]}. */
  static boolean isFloatType(DataType t) {
    return t == DataType.FLOAT || t == DataType.FLOAT16 || t == DataType.BFLOAT16 || t == DataType.DOUBLE;
  }

  /** True for the types held as {@code long[]}. */
  static boolean isLongType(DataType t) {
    return t.isInteger() || t == DataType.BOOL;
  }

  static int[] toIntShape(long[] dims) {
    int[] out = new int[dims.length];
    for (int i = 0; i < dims.length; i++) {
      out[i] = Math.toIntExact(dims[i]);
    }
    return out;
  }

  static long[] toLongShape(int[] dims) {
    long[] out = new long[dims.length];
    for (int i = 0; i < dims.length; i++) {
      out[i] = dims[i];
    }
    return out;
  }

  static int numElements(int[] shape) {
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    return Math.toIntExact(n);
  }

  /** Reads an IR tensor (a copy). */
  static NdArray fromTensor(Tensor t) {
    int[] shape = toIntShape(t.dims());
    DataType type = t.type();
    if (type == DataType.STRING) {
      return ofStrings(shape, t.strings().toArray(new String[0]));
    }
    if (type == DataType.DOUBLE) {
      ByteBuffer b = t.data();
      float[] f = new float[numElements(shape)];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) b.getDouble(i * 8);
      }
      return ofFloats(type, shape, f);
    }
    if (isFloatType(type)) {
      return ofFloats(type, shape, t.toFloatArray());
    }
    if (isLongType(type)) {
      return ofLongs(type, shape, t.toLongArray());
    }
    throw new IllegalArgumentException("tensors of type " + type + " are not supported by the CPU executor");
  }

  /** Writes an IR tensor (a copy), converting back to the element type. */
  Tensor toTensor() {
    long[] dims = toLongShape(shape);
    int n = size();
    if (type == DataType.STRING) {
      return Tensor.ofStrings(dims, List.of(s));
    }
    ByteBuffer b = ByteBuffer.allocate((int) type.storageBytes(n)).order(ByteOrder.LITTLE_ENDIAN);
    switch (type) {
      case FLOAT -> b.asFloatBuffer().put(f);
      case DOUBLE -> {
        for (int i = 0; i < n; i++) {
          b.putDouble(i * 8, f[i]);
        }
      }
      case FLOAT16 -> {
        for (int i = 0; i < n; i++) {
          b.putShort(i * 2, Half.fromFloat(f[i]));
        }
      }
      case BFLOAT16 -> {
        for (int i = 0; i < n; i++) {
          b.putShort(i * 2, Half.bfloat16FromFloat(f[i]));
        }
      }
      case INT64, UINT64 -> b.asLongBuffer().put(l);
      case INT32, UINT32 -> {
        for (int i = 0; i < n; i++) {
          b.putInt(i * 4, (int) l[i]);
        }
      }
      case INT16, UINT16 -> {
        for (int i = 0; i < n; i++) {
          b.putShort(i * 2, (short) l[i]);
        }
      }
      case INT8, UINT8, BOOL -> {
        if (this.b != null) {
          b.put(0, this.b);
          break;
        }
        for (int i = 0; i < n; i++) {
          b.put(i, (byte) l[i]);
        }
      }
      default -> throw new IllegalStateException("cannot write " + type + " tensors");
    }
    return Tensor.wrap(type, dims, b);
  }

  /** Rounds or wraps elements in place to what the element type can hold (after a kernel ran). */
  static void narrow(DataType type, float[] f, long[] l) {
    if (f == null && l == null) {
      return; // bytes hold int8 exactly
    }
    switch (type) {
      case FLOAT16 -> {
        for (int i = 0; i < f.length; i++) {
          f[i] = Half.toFloat(Half.fromFloat(f[i]));
        }
      }
      case BFLOAT16 -> {
        for (int i = 0; i < f.length; i++) {
          f[i] = Half.bfloat16ToFloat(Half.bfloat16FromFloat(f[i]));
        }
      }
      case INT32 -> {
        for (int i = 0; i < l.length; i++) {
          l[i] = (int) l[i];
        }
      }
      case UINT32 -> {
        for (int i = 0; i < l.length; i++) {
          l[i] = l[i] & 0xffffffffL;
        }
      }
      case INT16 -> {
        for (int i = 0; i < l.length; i++) {
          l[i] = (short) l[i];
        }
      }
      case UINT16 -> {
        for (int i = 0; i < l.length; i++) {
          l[i] = l[i] & 0xffff;
        }
      }
      case INT8 -> {
        for (int i = 0; i < l.length; i++) {
          l[i] = (byte) l[i];
        }
      }
      case UINT8 -> {
        for (int i = 0; i < l.length; i++) {
          l[i] = l[i] & 0xff;
        }
      }
      case BOOL -> {
        for (int i = 0; i < l.length; i++) {
          l[i] = l[i] != 0 ? 1 : 0;
        }
      }
      default -> { }
    }
  }
}
