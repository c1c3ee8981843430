package dev.mobilize.ncnn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mobilize.ir.Model;
import dev.mobilize.ir.Tensor;
import dev.mobilize.service.Options;
import dev.mobilize.testing.ReferenceData;
import dev.mobilize.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Files written by ncnn's own converter (../shared/reference/ncnn) read back with ncnn's semantics
 * and run on the CPU executor give what real ncnn computed from them.
 */
class ReferenceNcnnTest {

  @Test
  void mobilenetV2Fp32MatchesRealNcnn() {
    check("mobilenet_v2", 1e-4, 0.9999);
  }

  @Test
  void mobilenetV2Int8IsCloseToRealNcnn() {
    // int8 layers are read as fake quantization; ncnn's integer arithmetic rounds differently
    check("mobilenet_v2_int8", Double.MAX_VALUE, 0.98);
  }

  private static void check(String model, double tolerance, double minCosine) {
    Path dir = SharedData.dir("reference/ncnn").resolve(model);
    Path inputs = SharedData.dir("models").resolve("mobilenet_v2").resolve("test_data_set_0");
    Options options = Options.of(Map.of("input-shape", "input:1,3,224,224"));
    Model m = Ncnn.importer().read(dir.resolve("model.param"), options);
    Map<String, Tensor> in = ReferenceData.read(inputs, "input_", List.of("input"));
    Tensor expected = ReferenceData.read(dir.resolve("test_data_set_0"), "output_", List.of("output")).values().iterator().next();
    Tensor actual = Ncnn.run(m, in).get("output");
    double err = ReferenceData.relativeError(actual, expected);
    double cos = ReferenceData.cosine(actual, expected);
    System.out.printf("ncnn reference %s: relative max error %.2e, cosine %.6f%n", model, err, cos);
    assertTrue(err <= tolerance, model + ": relative max error " + err + " > " + tolerance);
    assertTrue(cos >= minCosine, model + ": cosine " + cos + " < " + minCosine);
    assertTrue(Files.exists(dir.resolve("model.bin")));
  }
}
