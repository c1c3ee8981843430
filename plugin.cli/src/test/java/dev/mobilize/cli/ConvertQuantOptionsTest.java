package dev.mobilize.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConvertQuantOptionsTest {

  @Test
  void int8FlagsBecomeQuantizerOptions() {
    Map<String, String> o = ConvertCommand.quantOptions(true, false, "calib", "minmax", "conv1", "0.5", "0.99",
        true, "", "224,224", "", "", "bgr");
    assertEquals(Map.of("calib", "calib", "calib-method", "minmax", "keep-float", "conv1", "max-accuracy-drop", "0.5",
        "min-cosine", "0.99", "sensitivity", "true", "resize", "224,224", "color", "bgr"), o);
  }

  @Test
  void calibrationFlagsNeedInt8() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConvertCommand.quantOptions(false,
        false, "calib", "kl", "", "", "", false, "", "", "", "", ""));
    assertEquals("--calib, --calib-method only apply with --int8", e.getMessage());
  }

  @Test
  void int8NeedsCalibrationData() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConvertCommand.quantOptions(true,
        false, "", "", "", "", "", false, "", "", "", "", ""));
    assertTrue(e.getMessage().startsWith("--int8 needs calibration data: --calib"), e.getMessage());
  }

  @Test
  void int8AndFp16ExcludeEachOther() {
    assertThrows(IllegalArgumentException.class, () -> ConvertCommand.quantOptions(true, true, "c", "", "", "", "", false,
        "", "", "", "", ""));
  }
}
