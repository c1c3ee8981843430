package dev.mobilize.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.onnx.proto.Onnx.StringStringEntryProto;
import dev.mobilize.onnx.proto.Onnx.TensorProto;
import dev.mobilize.service.AtomicFiles;
import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.MobilizeException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Converts between ONNX {@code TensorProto}s and IR {@link Tensor}s: every data type, in
 * {@code raw_data} or the typed fields, and external data files. Sizes are checked before anything
 * is allocated.
 */
public final class OnnxTensors {

  /** Largest tensor held in memory: a Java byte buffer's limit. */
  static final long MAX_TENSOR_BYTES = Integer.MAX_VALUE - 8;

  private OnnxTensors() {}

  /** A tensor with its name, as stored in a {@code .pb} file. */
  public record Named(String name, Tensor tensor) {}

  /**
   * Reads a {@code .pb} file holding one TensorProto (the ONNX test-data layout).
   *
   * @throws MobilizeException naming the file when it is missing or not a tensor
   */
  public static Named readFile(Path file) {
    byte[] bytes;
    try {
      if (Files.size(file) > MAX_TENSOR_BYTES) {
        throw new MobilizeException(ErrorCode.LIMIT_EXCEEDED, "tensor file is larger than 2 GB").inFile(file.toString());
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new MobilizeException(ErrorCode.IO_ERROR, "file does not exist").inFile(file.toString());
    } catch (IOException e) {
      throw new MobilizeException(ErrorCode.IO_ERROR, "cannot read: " + e.getMessage()).inFile(file.toString());
    }
    try {
      CodedInputStream in = CodedInputStream.newInstance(bytes);
      in.enableAliasing(true);
      TensorProto proto = TensorProto.parseFrom(in);
      return new Named(proto.getName(), toTensor(proto, null));
    } catch (IOException e) {
      throw new MobilizeException(ErrorCode.INVALID_MODEL,
          "not an ONNX TensorProto file (" + e.getMessage() + ")").inFile(file.toString());
    } catch (MobilizeException e) {
      throw e.inFile(file.toString());
    }
  }

  /** Writes one tensor as a {@code .pb} TensorProto file, atomically. */
  public static void writeFile(Path file, String name, Tensor tensor) {
    AtomicFiles.write(file, toProto(name, tensor).toByteArray());
  }

  /**
   * The IR tensor of a TensorProto.
   *
   * @param externalBase the model's folder for external data, or null when external data is not allowed
   * @throws MobilizeException for a malformed tensor, naming the tensor
   */
  public static Tensor toTensor(TensorProto p, ExternalData externalBase) {
    String what = p.getName().isEmpty() ? "tensor" : "tensor '" + p.getName() + "'";
    DataType type;
    try {
      type = DataType.fromCode(p.getDataType());
    } catch (IllegalArgumentException e) {
      throw new MobilizeException(ErrorCode.UNSUPPORTED_OP,
          what + " has data type " + p.getDataType() + ", which Mobilize does not know (0 to 22 are supported)");
    }
    if (type == DataType.UNDEFINED) {
      throw new MobilizeException(ErrorCode.INVALID_MODEL, what + " has no data type");
    }
    long[] dims = new long[p.getDimsCount()];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = p.getDims(i);
      if (dims[i] < 0) {
        throw new MobilizeException(ErrorCode.INVALID_MODEL,
            what + " has negative dimension " + dims[i] + " in " + Shape.format(p.getDimsList().stream().mapToLong(Long::longValue).toArray()));
      }
    }
    long count;
    long bytes;
    try {
      count = Shape.numElements(dims);
      bytes = type == DataType.STRING ? 0 : type.storageBytes(count);
    } catch (ArithmeticException e) {
      throw new MobilizeException(ErrorCode.LIMIT_EXCEEDED,
          what + " of shape " + Shape.format(dims) + " has more elements than fit in 64 bits");
    }
    if (bytes > MAX_TENSOR_BYTES || count > MAX_TENSOR_BYTES) {
      throw new MobilizeException(ErrorCode.LIMIT_EXCEEDED,
          what + " " + type.shortName() + Shape.format(dims) + " needs " + bytes + " bytes; at most 2 GB per tensor is supported");
    }
    if (p.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
      if (externalBase == null) {
        throw new MobilizeException(ErrorCode.INVALID_MODEL, what + " refers to external data, which is not allowed here");
      }
      return Tensor.wrap(type, dims, externalBase.read(p, what, bytes));
    }
    if (type == DataType.STRING) {
      if (p.getStringDataCount() != count) {
        throw countMismatch(what, type, dims, count, p.getStringDataCount());
      }
      List<String> s = new ArrayList<>(p.getStringDataCount());
      for (ByteString b : p.getStringDataList()) {
        s.add(b.toStringUtf8());
      }
      return Tensor.ofStrings(dims, s);
    }
    if (p.hasRawData()) {
      ByteString raw = p.getRawData();
      if (raw.size() != bytes) {
        throw new MobilizeException(ErrorCode.INVALID_MODEL, what + " " + type.shortName() + Shape.format(dims)
            + " needs " + bytes + " bytes of raw_data, found " + raw.size());
      }
      return Tensor.wrap(type, dims, raw.asReadOnlyByteBuffer());
    }
    return Tensor.wrap(type, dims, typedFields(p, type, dims, count, bytes, what));
  }

  private static ByteBuffer typedFields(TensorProto p, DataType type, long[] dims, long count, long bytes,
      String what) {
    ByteBuffer b = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
    switch (type) {
      case FLOAT -> {
        check(what, type, dims, count, p.getFloatDataCount());
        for (int i = 0; i < count; i++) {
          b.putFloat(p.getFloatData(i));
        }
      }
      case COMPLEX64 -> {
        check(what, type, dims, count * 2, p.getFloatDataCount());
        for (int i = 0; i < count * 2; i++) {
          b.putFloat(p.getFloatData(i));
        }
      }
      case DOUBLE -> {
        check(what, type, dims, count, p.getDoubleDataCount());
        for (int i = 0; i < count; i++) {
          b.putDouble(p.getDoubleData(i));
        }
      }
      case COMPLEX128 -> {
        check(what, type, dims, count * 2, p.getDoubleDataCount());
        for (int i = 0; i < count * 2; i++) {
          b.putDouble(p.getDoubleData(i));
        }
      }
      case INT64 -> {
        check(what, type, dims, count, p.getInt64DataCount());
        for (int i = 0; i < count; i++) {
          b.putLong(p.getInt64Data(i));
        }
      }
      case UINT32 -> {
        check(what, type, dims, count, p.getUint64DataCount());
        for (int i = 0; i < count; i++) {
          b.putInt((int) p.getUint64Data(i));
        }
      }
      case UINT64 -> {
        check(what, type, dims, count, p.getUint64DataCount());
        for (int i = 0; i < count; i++) {
          b.putLong(p.getUint64Data(i));
        }
      }
      case INT32 -> {
        check(what, type, dims, count, p.getInt32DataCount());
        for (int i = 0; i < count; i++) {
          b.putInt(p.getInt32Data(i));
        }
      }
      case INT16, UINT16, FLOAT16, BFLOAT16 -> {
        check(what, type, dims, count, p.getInt32DataCount());
        for (int i = 0; i < count; i++) {
          b.putShort((short) p.getInt32Data(i));
        }
      }
      case INT8, UINT8, BOOL, FLOAT8E4M3FN, FLOAT8E4M3FNUZ, FLOAT8E5M2, FLOAT8E5M2FNUZ -> {
        check(what, type, dims, count, p.getInt32DataCount());
        for (int i = 0; i < count; i++) {
          b.put((byte) p.getInt32Data(i));
        }
      }
      case INT4, UINT4 -> {
        // int32_data holds the packed bytes, two elements per byte
        check(what, type, dims, bytes, p.getInt32DataCount());
        for (int i = 0; i < bytes; i++) {
          b.put((byte) p.getInt32Data(i));
        }
      }
      default -> throw new MobilizeException(ErrorCode.UNSUPPORTED_OP, what + " has unsupported data type " + type);
    }
    b.flip();
    return b;
  }

  private static void check(String what, DataType type, long[] dims, long expected, int found) {
    if (expected != found) {
      throw countMismatch(what, type, dims, expected, found);
    }
  }

  private static MobilizeException countMismatch(String what, DataType type, long[] dims, long expected, int found) {
    return new MobilizeException(ErrorCode.INVALID_MODEL,
        what + " " + type.shortName() + Shape.format(dims) + " needs " + expected + " values, found " + found);
  }

  /** The TensorProto of an IR tensor, with its data in {@code raw_data} (strings in string_data). */
  public static TensorProto toProto(String name, Tensor t) {
    TensorProto.Builder b = TensorProto.newBuilder().setDataType(t.type().code());
    if (name != null && !name.isEmpty()) {
      b.setName(name);
    }
    for (long d : t.dims()) {
      b.addDims(d);
    }
    if (t.type() == DataType.STRING) {
      for (String s : t.strings()) {
        b.addStringData(ByteString.copyFrom(s, StandardCharsets.UTF_8));
      }
    } else {
      b.setRawData(ByteString.copyFrom(t.data()));
    }
    return b.build();
  }

  /** Names of a TensorProto's external_data entries, for error messages. */
  static String describe(List<StringStringEntryProto> entries) {
    StringBuilder sb = new StringBuilder();
    for (StringStringEntryProto e : entries) {
      sb.append(sb.length() > 0 ? ", " : "").append(e.getKey()).append('=').append(e.getValue());
    }
    return sb.toString();
  }
}
