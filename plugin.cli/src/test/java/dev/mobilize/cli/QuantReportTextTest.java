package dev.mobilize.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mobilize.service.Quantizer;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuantReportTextTest {

  private static Quantizer.Report report(double worst, double flipMargin, List<String> keptFloat) {
    Quantizer.OutputAccuracy out = new Quantizer.OutputAccuracy("prob", 0.98, worst, 0.15, 0.5, flipMargin);
    List<Quantizer.LayerError> layers = List.of(new Quantizer.LayerError("conv1", "Conv", 0.99, 0.01),
        new Quantizer.LayerError("/features/features.17/conv/conv.1/conv.1.0/Conv", "Conv", 0.9, 0.09));
    return new Quantizer.Report("kl", 32, "calibration data", 32, List.of(out), layers, List.of(), keptFloat, 50);
  }

  @Test
  void flipsBetweenNearTiesAreCalledSoAndFullInt8BelowTheBarGetsAHint() {
    String t = QuantReportText.text(report(0.962, 0.0157, List.of()));
    assertTrue(t.contains("prob: cosine 0.980000 (worst sample 0.962000), max abs error 0.1500, top-1 agreement 50.00%"), t);
    assertTrue(t.contains("led it by a median 1.57% of the float scores' range: near ties"), t);
    assertTrue(t.contains("hint        a sample's output fell to cosine 0.9620: --min-cosine 0.99 keeps"), t);
    assertTrue(t.contains("drop        50.000 percentage points (100 - top-1 agreement; what --max-accuracy-drop bounds)"), t);
  }

  @Test
  void clearFlipsAndMixedPrecisionGetNeitherRemark() {
    String t = QuantReportText.text(report(0.993, 0.4, List.of("conv0")));
    assertTrue(t.contains("led it by a median 40.00% of the float scores' range\n"), t);
    assertFalse(t.contains("near ties") || t.contains("hint"), t);
    assertTrue(t.contains("kept float  conv0"), t);
  }

  @Test
  void layerRowsAlignOnTheLongestName() {
    List<String> rows = QuantReportText.text(report(0.995, Double.NaN, List.of())).lines()
        .filter(l -> l.contains(" cosine ") && l.contains(" added ")).toList();
    assertEquals(2, rows.size());
    assertEquals(rows.get(0).indexOf(" Conv "), rows.get(1).indexOf(" Conv "), String.join("\n", rows));
    assertFalse(QuantReportText.text(report(0.995, Double.NaN, List.of())).contains("top-1 flips"));
  }
}
