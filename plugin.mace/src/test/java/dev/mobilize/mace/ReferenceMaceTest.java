package dev.mobilize.mace;

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
 * Files written by MACE's own converter (../shared/reference/mace) read with MACE's semantics and
 * run on the CPU executor give what real MACE computed from them (relative max error 1e-4).
 */
class ReferenceMaceTest {

  @Test
  void digitsCnnMatchesRealMace() {
    check("digits_cnn");
  }

  @Test
  void squeezenetMatchesRealMace() {
    check("squeezenet1_1");
  }

  private static void check(String model) {
    Path dir = SharedData.dir("reference/mace").resolve(model);
    Model m = Mace.importer().read(dir.resolve("model.pb"), Options.NONE);
    String input = m.graph().inputs().get(0).name();
    String output = m.graph().outputs().get(0).name();
    for (int set = 0; Files.isDirectory(dir.resolve("test_data_set_" + set)); set++) {
      Path inputs = SharedData.dir("models").resolve(model).resolve("test_data_set_" + set);
      Tensor x = ReferenceData.read(inputs, "input_", List.of(input)).values().iterator().next();
      Tensor expected = ReferenceData.read(dir.resolve("test_data_set_" + set), "output_", List.of(output)).values()
          .iterator().next();
      Tensor actual = Mace.run(m, Map.of(input, x)).get(output);
      double err = ReferenceData.relativeError(actual, expected);
      System.out.printf("mace reference %s set %d: relative max error %.2e%n", model, set, err);
      assertTrue(err <= 1e-4, model + " set " + set + ": relative max error " + err + " > 1e-4");
    }
  }
}
