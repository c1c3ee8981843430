package dev.mobilize.ir;

import java.util.Locale;

/**
 * Element types of tensors and values. The numeric codes are ONNX's {@code TensorProto.DataType},
 * since the IR's semantics are ONNX's.
 *
 * <p>Example: {@code DataType.FLOAT.byteSize() == 4}, {@code DataType.fromCode(10) == FLOAT16}.
 */
public enum DataType {
  /** Not yet known (before shape and type inference). */
  UNDEFINED(0, 0, "?"),
  FLOAT(1, 4, "f32"),
  UINT8(2, 1, "u8"),
  INT8(3, 1, "i8"),
  UINT16(4, 2, "u16"),
  INT16(5, 2, "i16"),
  INT32(6, 4, "i32"),
  INT64(7, 8, "i64"),
  /** Variable-length UTF-8 strings; {@link #byteSize()} is 0. */
  STRING(8, 0, "str"),
  BOOL(9, 1, "bool"),
  FLOAT16(10, 2, "f16"),
  DOUBLE(11, 8, "f64"),
  UINT32(12, 4, "u32"),
  UINT64(13, 8, "u64"),
  COMPLEX64(14, 8, "c64"),
  COMPLEX128(15, 16, "c128"),
  BFLOAT16(16, 2, "bf16"),
  FLOAT8E4M3FN(17, 1, "f8e4m3fn"),
  FLOAT8E4M3FNUZ(18, 1, "f8e4m3fnuz"),
  FLOAT8E5M2(19, 1, "f8e5m2"),
  FLOAT8E5M2FNUZ(20, 1, "f8e5m2fnuz"),
  /** 4-bit types are stored two to a byte; {@link #byteSize()} is 0 and {@link #storageBytes} handles them. */
  UINT4(21, 0, "u4"),
  INT4(22, 0, "i4");

  private static final DataType[] BY_CODE = new DataType[32];

  static {
    for (DataType t : values()) {
      BY_CODE[t.code] = t;
    }
  }

  private final int code;
  private final int byteSize;
  private final String shortName;

  DataType(int code, int byteSize, String shortName) {
    this.code = code;
    this.byteSize = byteSize;
    this.shortName = shortName;
  }

  /** The ONNX {@code TensorProto.DataType} code. */
  public int code() {
    return code;
  }

  /** Bytes per element, or 0 for strings, 4-bit types and {@link #UNDEFINED}. */
  public int byteSize() {
    return byteSize;
  }

  /** Short name used in the IR text form, e.g. {@code f32}. */
  public String shortName() {
    return shortName;
  }

  /** True for the floating-point types (including float16, bfloat16 and the float8 types). */
  public boolean isFloatingPoint() {
    return switch (this) {
      case FLOAT, DOUBLE, FLOAT16, BFLOAT16, FLOAT8E4M3FN, FLOAT8E4M3FNUZ, FLOAT8E5M2, FLOAT8E5M2FNUZ -> true;
      default -> false;
    };
  }

  /** True for signed and unsigned integer types (not bool). */
  public boolean isInteger() {
    return switch (this) {
      case UINT8, INT8, UINT16, INT16, INT32, INT64, UINT32, UINT64, UINT4, INT4 -> true;
      default -> false;
    };
  }

  /**
   * Bytes needed to store {@code count} elements densely, or -1 for strings.
   *
   * @throws ArithmeticException if the size overflows a long
   */
  public long storageBytes(long count) {
    if (this == STRING) {
      return -1;
    }
    if (this == UINT4 || this == INT4) {
      return (count + 1) / 2;
    }
    return Math.multiplyExact(count, (long) byteSize);
  }

  /**
   * The type with the given ONNX code.
   *
   * @throws IllegalArgumentException for an unknown code
   */
  public static DataType fromCode(int code) {
    DataType t = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    if (t == null) {
      throw new IllegalArgumentException("unknown data type code " + code + "; known codes are 0 to 22");
    }
    return t;
  }

  /**
   * The type with the given name ({@code float}, {@code FLOAT}, {@code f32}, {@code int64}, ...).
   *
   * @throws IllegalArgumentException with the valid choices for an unknown name
   */
  public static DataType parse(String name) {
    String n = name.trim();
    for (DataType t : values()) {
      if (t.name().equalsIgnoreCase(n) || t.shortName.equalsIgnoreCase(n)) {
        return t;
      }
    }
    return switch (n.toLowerCase(Locale.ROOT)) {
      case "float32" -> FLOAT;
      case "float64" -> DOUBLE;
      case "half" -> FLOAT16;
      default -> throw new IllegalArgumentException(
          "unknown data type '" + name + "'; use one of float32, float16, int8, uint8, int32, int64, bool, ...");
    };
  }
}
