package dev.mobilize.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mobilize.ir.Model;
import dev.mobilize.service.MobilizeException;
import dev.mobilize.service.Options;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every model of the ONNX backend node tests (IR versions 3 to 10, opsets 7 to the newest, every
 * data type, subgraphs) either imports and round-trips, or is refused with a MobilizeException for
 * a reason this test lists as known (sequence and optional types, sparse tensors, model-local
 * functions, float4, opsets older than 7).
 */
class NodeTestsImportTest {

  private static final List<String> KNOWN_REFUSALS = List.of(
      "only tensors are supported", // sequence, map and optional values
      "sparse", "function attribute", "which Mobilize does not know", "opsets 7 and newer are supported",
      "training_mode=1", "tf_half_pixel_for_nn", "Scan before opset 9");

  @Test
  void allNodeTestModelsImportOrAreRefusedForAKnownReason() throws IOException {
    Path root = SharedData.root().resolve("onnx-node-tests");
    List<Path> dirs;
    try (Stream<Path> s = Files.list(root)) {
      dirs = s.filter(d -> Files.isRegularFile(d.resolve("model.onnx"))).sorted().toList();
    }
    OnnxImporter importer = new OnnxImporter();
    int imported = 0;
    Map<String, Integer> refusals = new TreeMap<>();
    List<String> unexpected = new ArrayList<>();
    for (Path d : dirs) {
      Path file = d.resolve("model.onnx");
      Model m;
      try {
        m = importer.read(file, Options.NONE);
      } catch (MobilizeException e) {
        String reason = KNOWN_REFUSALS.stream().filter(e.getMessage()::contains).findFirst().orElse(null);
        if (reason == null) {
          unexpected.add(d.getFileName() + ": " + e.getMessage());
        } else {
          refusals.merge(reason, 1, Integer::sum);
        }
        continue;
      }
      Model again = importer.read(OnnxExporter.toBytes(m), file, Options.NONE);
      assertEquals(m.graph(), again.graph(), d.getFileName() + " round-trips");
      imported++;
    }
    System.getLogger("node-tests").log(System.Logger.Level.INFO,
        imported + " of " + dirs.size() + " node-test models imported; refused: " + refusals);
    assertTrue(unexpected.isEmpty(), unexpected.size() + " unexpected failures:\n" + String.join("\n", unexpected));
    assertTrue(imported > 1000, "imported " + imported);
  }
}
