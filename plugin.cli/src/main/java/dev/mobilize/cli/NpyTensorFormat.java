package dev.mobilize.cli;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.service.AtomicFiles;
import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.MobilizeException;
import dev.mobilize.service.TensorFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Component;

/**
 * Tensors as numpy {@code .npy} files (format versions 1 to 3, little-endian, C order), as
 * {@code numpy.save} writes them.
 */
@Component(service = TensorFormat.class, property = "mobilize.tensor-format=npy")
public class NpyTensorFormat implements TensorFormat {

  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Map<String, DataType> DESCR = Map.ofEntries(
      Map.entry("f4", DataType.FLOAT), Map.entry("f2", DataType.FLOAT16), Map.entry("f8", DataType.DOUBLE),
      Map.entry("i1", DataType.INT8), Map.entry("u1", DataType.UINT8), Map.entry("i2", DataType.INT16),
      Map.entry("u2", DataType.UINT16), Map.entry("i4", DataType.INT32), Map.entry("u4", DataType.UINT32),
      Map.entry("i8", DataType.INT64), Map.entry("u8", DataType.UINT64), Map.entry("b1", DataType.BOOL));
  private static final Pattern DESCR_FIELD = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-z]\\d+)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  @Override
  public String extension() {
    return "npy";
  }

  @Override
  public NamedTensor read(Path file) {
    try {
      return new NamedTensor("", parse(Files.readAllBytes(file)));
    } catch (NoSuchFileException e) {
      throw new MobilizeException(ErrorCode.IO_ERROR, "does not exist").inFile(file.toString());
    } catch (IOException e) {
      throw new MobilizeException(ErrorCode.IO_ERROR, "cannot be read: " + e.getMessage()).inFile(file.toString());
    } catch (MobilizeException e) {
      throw e.inFile(file.toString());
    }
  }

  static Tensor parse(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 10 || !ByteBuffer.wrap(bytes, 0, 6).equals(ByteBuffer.wrap(MAGIC))) {
      throw bad("does not start with the .npy magic \\x93NUMPY");
    }
    int major = bytes[6];
    int headerLength;
    int offset;
    if (major == 1) {
      headerLength = b.getShort(8) & 0xffff;
      offset = 10;
    } else if (major == 2 || major == 3) {
      headerLength = b.getInt(8);
      offset = 12;
    } else {
      throw bad("has .npy format version " + major + "; versions 1 to 3 are supported");
    }
    if (headerLength < 0 || offset + (long) headerLength > bytes.length) {
      throw bad("has a header longer than the file");
    }
    String header = new String(bytes, offset, headerLength, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    Matcher d = DESCR_FIELD.matcher(header);
    Matcher f = FORTRAN.matcher(header);
    Matcher s = SHAPE.matcher(header);
    if (!d.find() || !f.find() || !s.find()) {
      throw bad("has a header without descr, fortran_order and shape: " + header.trim());
    }
    DataType type = DESCR.get(d.group(2));
    if (type == null) {
      throw bad("has dtype '" + d.group(1) + d.group(2) + "'; supported: float16/32/64, (u)int8/16/32/64, bool");
    }
    if (d.group(1).equals(">") && type.byteSize() > 1) {
      throw bad("is big-endian; save it little-endian (numpy's default)");
    }
    if (f.group(1).equals("True")) {
      throw bad("is in Fortran order; save it with numpy.ascontiguousarray first");
    }
    List<Long> dims = new ArrayList<>();
    for (String part : s.group(1).split(",")) {
      if (!part.isBlank()) {
        try {
          dims.add(Long.parseLong(part.trim()));
        } catch (NumberFormatException e) {
          throw bad("has a bad shape (" + s.group(1) + ")");
        }
      }
    }
    long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
    long need;
    try {
      need = type.storageBytes(Shape.numElements(shape));
    } catch (ArithmeticException e) {
      throw new MobilizeException(ErrorCode.LIMIT_EXCEEDED, "has a shape whose size overflows: " + Shape.format(shape));
    }
    int start = offset + headerLength;
    if (bytes.length - start != need) {
      throw bad("needs " + need + " bytes of data for " + type.shortName() + Shape.format(shape) + ", found "
          + (bytes.length - start));
    }
    return Tensor.wrap(type, shape, ByteBuffer.wrap(bytes, start, (int) need).slice());
  }

  private static MobilizeException bad(String what) {
    return new MobilizeException(ErrorCode.INVALID_MODEL, "is not a valid .npy file: it " + what);
  }

  @Override
  public void write(Path file, String name, Tensor tensor) {
    AtomicFiles.write(file, toBytes(tensor));
  }

  static byte[] toBytes(Tensor t) {
    String descr = DESCR.entrySet().stream().filter(e -> e.getValue() == t.type()).map(Map.Entry::getKey)
        .findFirst().orElseThrow(() -> new MobilizeException(ErrorCode.UNSUPPORTED_OP,
            "a " + t.type() + " tensor cannot be written as .npy"));
    long[] dims = t.dims();
    StringBuilder shape = new StringBuilder();
    for (long d : dims) {
      shape.append(d).append(", ");
    }
    if (dims.length > 1) {
      shape.setLength(shape.length() - 2);
    } else if (dims.length == 1) {
      shape.setLength(shape.length() - 1);
    }
    String dict = "{'descr': '" + (t.type().byteSize() == 1 ? "|" : "<") + descr + "', 'fortran_order': False, 'shape': ("
        + shape + "), }";
    int total = 10 + dict.length() + 1;
    int pad = (64 - total % 64) % 64;
    String header = dict + " ".repeat(pad) + "\n";
    byte[] data = t.toByteArray();
    ByteBuffer b = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length())
        .put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data);
    return b.array();
  }
}
