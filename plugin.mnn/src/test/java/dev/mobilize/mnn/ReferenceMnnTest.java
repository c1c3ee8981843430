package dev.mobilize.mnn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mobilize.ir.Model;
import dev.mobilize.ir.Tensor;
import dev.mobilize.testing.ReferenceData;
import dev.mobilize.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Files written by MNNConvert (../shared/reference/mnn) read back with MNN's semantics and run on the
 * CPU executor give what real MNN computed from them (relative max error 1e-4).
 */
class ReferenceMnnTest {

  @ParameterizedTest
  @ValueSource(strings = {"digits_cnn", "mobilenet_v2", "ppocr_cls", "shufflenet_v2_x1_0", "squeezenet1_1"})
  void matchesRealMnn(String model) throws Exception {
    Path dir = SharedData.dir("reference/mnn").resolve(model);
    Path file = dir.resolve("model.mnn");
    byte[] head = Files.readAllBytes(file);
    assertTrue(Mnn.importer().accepts(file, java.util.Arrays.copyOf(head, 256)), "content detection");
    Model m = Mnn.importer().read(file, dev.mobilize.service.Options.NONE);
    String inName = m.graph().inputs().get(0).name();
    String outName = m.graph().outputs().get(0).name();
    Tensor input = ReferenceData.read(SharedData.dir("models").resolve(model).resolve("test_data_set_0"), "input_",
        List.of(inName)).values().iterator().next();
    Tensor expected = ReferenceData.read(dir.resolve("test_data_set_0"), "output_", List.of(outName)).values().iterator().next();
    Tensor actual = Mnn.run(m, Map.of(inName, input)).get(outName);
    double err = ReferenceData.relativeError(actual, expected);
    System.out.printf("MNN reference %s: relative max error %.2e%n", model, err);
    assertTrue(err <= 1e-4, model + ": relative max error " + err);
  }
}
