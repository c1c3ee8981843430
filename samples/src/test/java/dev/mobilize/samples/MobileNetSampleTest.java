package dev.mobilize.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mobilize.ir.Model;
import dev.mobilize.onnx.OnnxExporter;
import dev.mobilize.onnx.OnnxImporter;
import dev.mobilize.service.Options;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MobileNetSampleTest {

  @TempDir Path dir;

  @Test
  void committedSampleIsWhatTheGeneratorWrites() throws Exception {
    new OnnxExporter().write(MobileNetSample.build(), dir, "mobilenet_tiny", Options.NONE);
    byte[] generated = Files.readAllBytes(dir.resolve("mobilenet_tiny.onnx"));
    byte[] committed = Files.readAllBytes(Path.of("mobilenet_tiny.onnx"));
    assertArrayEquals(generated, committed,
        "samples/mobilenet_tiny.onnx differs from the generator's output; regenerate it (see MobileNetSample)");
  }

  @Test
  void sampleImportsWithStaticShapesAndTheExpectedSize() {
    Model m = new OnnxImporter().read(Path.of("mobilenet_tiny.onnx"), Options.NONE);
    assertEquals("[1,10]", m.graph().outputs().get(0).shape().toString());
    long params = m.graph().parameterCount();
    assertEquals(true, params > 30_000 && params < 150_000, "a few hundred KB of weights: " + params + " floats");
  }
}
