package dev.mobilize.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.service.MobilizeException;
import dev.mobilize.service.Options;
import dev.mobilize.service.Quantizer;
import dev.mobilize.testing.SharedData;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Mixed precision on the trained digits classifier: with an accuracy budget the most sensitive layers stay
 * float, one at a time, until the budget holds, and only those.
 */
class MixedPrecisionTest {

  private static Model floatModel;
  private static Path calib;
  private static Quantizer.Report full;

  @BeforeAll
  static void quantizeFully() {
    Path dir = SharedData.dir("models/digits_cnn");
    floatModel = Optimized.read(dir.resolve("model.onnx"));
    calib = dir.resolve("dataset/calib_images.pb");
    full = quantize(Map.of()).report();
  }

  private static Quantizer.Result quantize(Map<String, String> more) {
    Map<String, String> o = new HashMap<>(more);
    o.put(Quantizer.CALIB, calib.toString());
    return DigitsProofTest.quantizer().quantizeInt8(floatModel, Options.of(o), Quantizer.Progress.NONE);
  }

  @Test
  void minCosineKeepsTheMostSensitiveLayersFloatUntilItHolds() {
    double worst = full.outputs().get(0).worstSampleCosine();
    assertTrue(worst < 1 && worst <= full.outputs().get(0).cosine(), "full int8: " + full.outputs());
    assertTrue(full.keptFloat().isEmpty());
    double bar = worst + (1 - worst) / 2; // out of full int8's reach, within float's
    Quantizer.Result mixed = quantize(Map.of(Quantizer.MIN_COSINE, Double.toString(bar)));
    Quantizer.Report r = mixed.report();
    List<String> kept = r.keptFloat();
    int targets = QuantTargets.find(floatModel.graph()).size();
    assertFalse(kept.isEmpty(), "full int8's worst cosine " + worst + " is below " + bar);
    assertTrue(r.outputs().get(0).worstSampleCosine() >= bar, r.outputs() + " with " + kept + " float");
    assertEquals(targets - kept.size(), r.layers().size(), "the report covers the int8 layers only");
    for (String k : kept) {
      Node n = node(mixed.model().graph(), k);
      assertFalse(readsDequantized(mixed.model().graph(), n.input(1)), k + " kept float still reads int8 weights");
    }
    // kept float in the order of the ranking: the first kept is the layer whose int8 alone costs the most
    Quantizer.Result ranked = quantize(Map.of(Quantizer.SENSITIVITY, "true"));
    List<Quantizer.Sensitivity> s = ranked.report().sensitivity();
    assertEquals(targets, s.size());
    double lowest = s.stream().mapToDouble(Quantizer.Sensitivity::cosine).min().orElseThrow();
    assertEquals(lowest, s.stream().filter(x -> x.node().equals(kept.get(0))).findFirst().orElseThrow().cosine());
  }

  @Test
  void aDropBudgetThatFullInt8MeetsKeepsNothingFloat() {
    Quantizer.Report r = quantize(Map.of(Quantizer.MAX_ACCURACY_DROP, "100", Quantizer.MIN_COSINE, "0.5")).report();
    assertEquals(List.of(), r.keptFloat());
    assertEquals(full.outputs(), r.outputs());
  }

  /**
   * Ops quantized in the QDQ style (here the poolings, as for TNN) get their pairs only where they touch an int8
   * layer: with every layer kept float the model has no pair left, and a budget full int8 misses holds with
   * some layers float.
   */
  @Test
  void qdqStyleOpsAmongFloatLayersStayFloat() {
    Map<String, String> pooling = Map.of(Quantizer.INT8_OPS, "MaxPool,GlobalAveragePool");
    Quantizer.Result fullWithPooling = quantize(pooling);
    assertTrue(count(fullWithPooling.model().graph(), "QuantizeLinear") > count(
        quantize(Map.of()).model().graph(), "QuantizeLinear"), "the poolings get pairs of their own");
    String every = String.join(",", QuantTargets.find(floatModel.graph()).stream().map(QuantTarget::name).toList());
    Map<String, String> allFloat = new HashMap<>(pooling);
    allFloat.put(Quantizer.KEEP_FLOAT, every);
    Graph none = quantize(allFloat).model().graph();
    assertEquals(0, count(none, "QuantizeLinear") + count(none, "DequantizeLinear"), none.toString());
    double worst = fullWithPooling.report().outputs().get(0).worstSampleCosine();
    Map<String, String> budget = new HashMap<>(pooling);
    budget.put(Quantizer.MIN_COSINE, Double.toString(worst + (1 - worst) / 2));
    Quantizer.Report r = quantize(budget).report();
    assertFalse(r.keptFloat().isEmpty());
    assertTrue(r.outputs().get(0).worstSampleCosine() >= worst + (1 - worst) / 2, r.outputs().toString());
  }

  private static long count(Graph g, String op) {
    return g.nodes().stream().filter(n -> n.opType().equals(op)).count();
  }

  @Test
  void rejectsACosineOutsideZeroToOne() {
    for (String bad : List.of("0", "1.5", "-0.9")) {
      MobilizeException e = assertThrows(MobilizeException.class, () -> quantize(Map.of(Quantizer.MIN_COSINE, bad)));
      assertEquals("--min-cosine must be a cosine similarity in (0, 1], e.g. 0.99; got '" + bad + "'", e.getMessage());
    }
    RuntimeException e = assertThrows(RuntimeException.class, () -> quantize(Map.of(Quantizer.MIN_COSINE, "high")));
    assertEquals("option 'min-cosine' must be a number, got 'high'", e.getMessage());
  }

  private static Node node(Graph g, String name) {
    return g.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
  }

  private static boolean readsDequantized(Graph g, String v) {
    return g.nodes().stream().anyMatch(n -> n.opType().equals("DequantizeLinear") && n.output(0).equals(v));
  }
}
