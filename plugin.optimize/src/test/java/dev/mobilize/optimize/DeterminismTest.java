package dev.mobilize.optimize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.mobilize.ir.Model;
import dev.mobilize.onnx.OnnxExporter;
import dev.mobilize.onnx.OnnxImporter;
import dev.mobilize.service.Options;
import dev.mobilize.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same input and options give byte-identical output files. */
class DeterminismTest {

  @TempDir
  Path tmp;

  @Test
  void sameInputSameBytes() throws Exception {
    Path file = SharedData.dir("models").resolve("shufflenet_v2_x1_0/model.onnx");
    byte[][] out = new byte[2][];
    for (int i = 0; i < 2; i++) {
      Model m = new OnnxImporter().read(file, Options.NONE);
      Model opt = Passes.optimize(m, Passes.NONE).model();
      Path f = new OnnxExporter().write(opt, tmp.resolve("run" + i), "model", Options.NONE).get(0);
      out[i] = Files.readAllBytes(f);
    }
    assertArrayEquals(out[0], out[1]);
  }
}
