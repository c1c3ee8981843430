package dev.mobilize.onnx.shape;

import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.ByteString;
import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.onnx.proto.Onnx;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import org.junit.jupiter.api.Assumptions;

/**
 * Test-only access to ONNX test data: the shared data folder, and tensors of test_data_set .pb
 * files (models themselves are read with the importer).
 */
final class OnnxTestFiles {

  private OnnxTestFiles() {}

  /** A model file holds something this reader does not handle (sequences, external data, ...). */
  static final class Unreadable extends Exception {
    private static final long serialVersionUID = 1L;

    Unreadable(String message) {
      super(message);
    }
  }

  /** The shared data folder; fails in CI when it is missing, skips the test elsewhere. */
  static Path shared() {
    String prop = System.getProperty("mobilize.shared");
    Path p = prop != null ? Path.of(prop) : Path.of("../../shared");
    if (!Files.isDirectory(p)) {
      if ("true".equals(System.getenv("CI"))) {
        fail("shared test data folder " + p.toAbsolutePath() + " is missing (CI=true)");
      }
      Assumptions.abort("shared test data folder " + p.toAbsolutePath() + " is missing");
    }
    return p;
  }

  private static DataType dataType(int code) throws Unreadable {
    try {
      return DataType.fromCode(code);
    } catch (IllegalArgumentException e) {
      throw new Unreadable("data type " + code);
    }
  }

  static Tensor tensor(Onnx.TensorProto t) throws Unreadable {
    DataType type = dataType(t.getDataType());
    long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    if (t.getDataLocation() == Onnx.TensorProto.DataLocation.EXTERNAL) {
      throw new Unreadable("external data");
    }
    if (type == DataType.STRING) {
      return Tensor.ofStrings(dims, t.getStringDataList().stream().map(s -> s.toString(StandardCharsets.UTF_8)).toList());
    }
    if (t.hasRawData()) {
      return Tensor.of(type, dims, t.getRawData().toByteArray());
    }
    int n = (int) Shape.numElements(dims);
    if (type.byteSize() == 0) {
      throw new Unreadable("tensor of " + type + " without raw data");
    }
    ByteBuffer b = ByteBuffer.allocate(n * type.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      switch (type) {
        case FLOAT -> b.putFloat(t.getFloatData(i));
        case DOUBLE -> b.putDouble(t.getDoubleData(i));
        case INT64 -> b.putLong(t.getInt64Data(i));
        case UINT64 -> b.putLong(t.getUint64Data(i));
        case UINT32 -> b.putInt((int) t.getUint64Data(i));
        case INT32 -> b.putInt(t.getInt32Data(i));
        case INT16, UINT16, FLOAT16, BFLOAT16 -> b.putShort((short) t.getInt32Data(i));
        case INT8, UINT8, BOOL -> b.put((byte) t.getInt32Data(i));
        default -> throw new Unreadable("tensor of " + type + " without raw data");
      }
    }
    return Tensor.of(type, dims, b.array());
  }
}
