package dev.mobilize.tnn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mobilize.ir.Model;
import dev.mobilize.ir.Tensor;
import dev.mobilize.service.Options;
import dev.mobilize.testing.ReferenceData;
import dev.mobilize.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Files written by TNN's onnx2tnn (../shared/reference/tnn) read with TNN's semantics and run on
 * the CPU executor give what real TNN computed from them (relative max error 1e-4).
 */
class ReferenceTnnTest {

  @Test
  void digitsCnnMatchesRealTnn() {
    check("digits_cnn");
  }

  @Test
  void ppocrClsMatchesRealTnn() {
    check("ppocr_cls");
  }

  @Test
  void squeezenetMatchesRealTnn() {
    check("squeezenet1_1");
  }

  private static void check(String model) {
    Path dir = SharedData.dir("reference/tnn").resolve(model);
    Model declared = Tnn.importer().read(dir.resolve("model.tnnproto"), Options.NONE);
    String input = declared.graph().inputs().get(0).name();
    String output = declared.graph().outputs().get(0).name();
    for (int set = 0; Files.isDirectory(dir.resolve("test_data_set_" + set)); set++) {
      Path inputs = SharedData.dir("models").resolve(model).resolve("test_data_set_" + set);
      Tensor x = ReferenceData.read(inputs, "input_", List.of(input)).values().iterator().next();
      // TNN resizes its inputs to what it is given: so does the input-shape option
      Model m = Tnn.importer().read(dir.resolve("model.tnnproto"), Options.of(Map.of("input-shape",
          input + ":" + String.join(",", Arrays.stream(x.dims()).mapToObj(Long::toString).toList()))));
      Map<String, Tensor> in = Map.of(input, x);
      Tensor expected = ReferenceData.read(dir.resolve("test_data_set_" + set), "output_", List.of(output)).values().iterator()
          .next();
      Tensor actual = Tnn.run(m, in).get(output);
      double err = ReferenceData.relativeError(actual, expected);
      System.out.printf("tnn reference %s set %d: relative max error %.2e%n", model, set, err);
      assertTrue(err <= 1e-4, model + " set " + set + ": relative max error " + err + " > 1e-4");
    }
  }
}
