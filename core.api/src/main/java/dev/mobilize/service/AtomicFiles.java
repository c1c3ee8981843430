package dev.mobilize.service;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes files atomically, as every exporter must: a temporary file beside the target, then a move
 * into place, so a failure never leaves a partial file behind.
 *
 * <p>Example: {@code AtomicFiles.write(dir.resolve("model.param"), bytes);}
 */
public final class AtomicFiles {

  private AtomicFiles() {}

  /** Temporary files are private (rw-------); the result should be like any other file (rw-r--r--). */
  private static void readableByAll(Path tmp) throws IOException {
    if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
      Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    }
  }

  /** Writes {@code bytes} to {@code file} (creating its folder), replacing any old file. */
  public static void write(Path file, byte[] bytes) {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
      Files.write(tmp, bytes);
      readableByAll(tmp);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
    } catch (IOException e) {
      throw new MobilizeException(ErrorCode.IO_ERROR, "cannot write " + file + ": " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // best effort: the temporary file is hidden and named after the target
        }
      }
    }
  }
}
