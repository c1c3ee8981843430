package dev.mobilize.onnx;

import dev.mobilize.onnx.proto.Onnx.StringStringEntryProto;
import dev.mobilize.onnx.proto.Onnx.TensorProto;
import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.MobilizeException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads tensor data stored outside the model file ({@code external_data}: location, offset,
 * length), only from files inside the model's own folder: a location that escapes it (absolute
 * paths, {@code ..}, symbolic links pointing out) is refused.
 */
final class ExternalData {

  private final Path folder;
  private final Path realFolder;

  ExternalData(Path modelFile) {
    Path parent = modelFile.toAbsolutePath().getParent();
    this.folder = parent;
    try {
      this.realFolder = parent.toRealPath();
    } catch (IOException e) {
      throw new MobilizeException(ErrorCode.IO_ERROR, "cannot resolve the model's folder: " + e.getMessage());
    }
  }

  /** The bytes of {@code p}'s external data: exactly {@code expectedBytes} of them. */
  ByteBuffer read(TensorProto p, String what, long expectedBytes) {
    String location = null;
    long offset = 0;
    long length = -1;
    for (StringStringEntryProto e : p.getExternalDataList()) {
      switch (e.getKey()) {
        case "location" -> location = e.getValue();
        case "offset" -> offset = parseLong(e.getValue(), "offset", what);
        case "length" -> length = parseLong(e.getValue(), "length", what);
        default -> { } // checksum and others are informational
      }
    }
    if (location == null || location.isEmpty()) {
      throw new MobilizeException(ErrorCode.INVALID_MODEL, what + " has external data without a location ("
          + OnnxTensors.describe(p.getExternalDataList()) + ")");
    }
    Path file = resolve(location, what);
    if (length >= 0 && length != expectedBytes) {
      throw new MobilizeException(ErrorCode.INVALID_MODEL,
          what + " needs " + expectedBytes + " bytes but its external data length is " + length);
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (offset < 0 || offset > size || size - offset < expectedBytes) {
        throw new MobilizeException(ErrorCode.INVALID_MODEL, what + " needs " + expectedBytes + " bytes at offset "
            + offset + " of '" + location + "', which has only " + size + " bytes");
      }
      ByteBuffer buf = ByteBuffer.allocate((int) expectedBytes).order(ByteOrder.LITTLE_ENDIAN);
      while (buf.hasRemaining()) {
        if (ch.read(buf, offset + buf.position()) < 0) {
          throw new MobilizeException(ErrorCode.INVALID_MODEL, what + ": '" + location + "' ended early");
        }
      }
      buf.flip();
      return buf;
    } catch (IOException e) {
      throw new MobilizeException(ErrorCode.IO_ERROR, what + ": cannot read external data '" + location + "': " + e);
    }
  }

  private Path resolve(String location, String what) {
    Path rel;
    try {
      rel = Path.of(location);
    } catch (RuntimeException e) {
      throw new MobilizeException(ErrorCode.INVALID_MODEL, what + ": bad external data location '" + location + "'");
    }
    if (rel.isAbsolute() || location.startsWith("/") || location.startsWith("\\")) {
      throw escape(location, what);
    }
    Path file = folder.resolve(rel).normalize();
    if (!file.startsWith(folder)) {
      throw escape(location, what);
    }
    if (!Files.isRegularFile(file)) {
      throw new MobilizeException(ErrorCode.IO_ERROR,
          what + ": external data file '" + location + "' does not exist beside the model");
    }
    try {
      Path real = file.toRealPath();
      if (!real.startsWith(realFolder) || Files.isSymbolicLink(file) && !real.startsWith(realFolder)) {
        throw escape(location, what);
      }
      if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
        throw escape(location, what);
      }
      return real;
    } catch (IOException e) {
      throw new MobilizeException(ErrorCode.IO_ERROR, what + ": cannot resolve '" + location + "': " + e.getMessage());
    }
  }

  private static MobilizeException escape(String location, String what) {
    return new MobilizeException(ErrorCode.INVALID_MODEL, what + ": external data location '" + location
        + "' points outside the model's folder; only files inside the folder are read");
  }

  private static long parseLong(String value, String key, String what) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new MobilizeException(ErrorCode.INVALID_MODEL,
          what + ": external data " + key + " '" + value + "' is not a number");
    }
  }
}
