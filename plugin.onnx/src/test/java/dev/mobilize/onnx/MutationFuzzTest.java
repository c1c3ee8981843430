package dev.mobilize.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mobilize.service.MobilizeException;
import dev.mobilize.service.Options;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutates the bytes of real models thousands of times (bounded in time): every outcome is either
 * a model or a MobilizeException, never another exception, a hang or an OutOfMemoryError.
 */
class MutationFuzzTest {

  private static final long BUDGET_MILLIS = Long.getLong("fuzz.millis", 15_000);

  @TempDir Path dir;

  @Test
  void mutatedModelsFailCleanly() throws Exception {
    Path[] sources = {SharedData.models().resolve("digits_cnn/model.onnx"),
        SharedData.models().resolve("ppocr_cls/model.onnx")};
    OnnxImporter importer = new OnnxImporter();
    Random random = new Random(1234);
    long deadline = System.currentTimeMillis() + BUDGET_MILLIS;
    int runs = 0;
    int valid = 0;
    while (System.currentTimeMillis() < deadline && runs < 20_000) {
      byte[] original = Files.readAllBytes(sources[runs % sources.length]);
      byte[] bytes = mutate(original, random);
      Path file = dir.resolve("m.onnx");
      Files.write(file, bytes);
      try {
        importer.read(file, Options.NONE);
        valid++;
      } catch (MobilizeException expected) {
        assertTrue(expected.getMessage().startsWith(file.toString()), expected.getMessage());
      } catch (RuntimeException | Error e) {
        Path kept = Path.of("target/fuzz-failure-" + runs + ".onnx");
        Files.write(kept, bytes);
        throw new AssertionError("run " + runs + ": " + e + " (input kept in " + kept.toAbsolutePath() + ")", e);
      }
      runs++;
    }
    assertTrue(runs >= 1000, "at least 1000 mutations in the time budget, ran " + runs);
    System.getLogger("fuzz").log(System.Logger.Level.INFO, runs + " mutations, " + valid + " still valid models");
  }

  private static byte[] mutate(byte[] original, Random r) {
    byte[] b = original.clone();
    int kind = r.nextInt(4);
    int edits = 1 + r.nextInt(8);
    for (int i = 0; i < edits; i++) {
      int pos = r.nextInt(b.length);
      switch (kind) {
        case 0 -> b[pos] = (byte) r.nextInt(256); // random byte
        case 1 -> b[pos] ^= (byte) (1 << r.nextInt(8)); // bit flip
        case 2 -> b[pos] = (byte) (r.nextBoolean() ? 0x7f : 0xff); // extreme varint bytes
        default -> {
          int len = pos + r.nextInt(Math.max(1, b.length - pos));
          return java.util.Arrays.copyOf(b, len); // truncation
        }
      }
    }
    return b;
  }
}
