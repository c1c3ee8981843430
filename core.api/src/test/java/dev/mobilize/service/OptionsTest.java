package dev.mobilize.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OptionsTest {

  @Test
  void typedValues() {
    Options o = Options.of(Map.of("threads", "2", "verify", "", "passes", "a, b,c", "rtol", "1e-4"));
    assertEquals(2, o.getInt("threads", 1));
    assertEquals(1, o.getInt("missing", 1));
    assertTrue(o.getBoolean("verify", false), "a bare flag is true");
    assertFalse(o.getBoolean("missing", false));
    assertEquals(List.of("a", "b", "c"), o.getList("passes"));
    assertEquals(1e-4, o.getDouble("rtol", 0));
  }

  @Test
  void malformedValueNamesTheOption() {
    MobilizeException e = assertThrows(MobilizeException.class,
        () -> Options.of(Map.of("threads", "two")).getInt("threads", 1));
    assertEquals("option 'threads' must be a whole number, got 'two'", e.getMessage());
    assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
  }

  @Test
  void withAddsWithoutChangingTheOriginal() {
    Options a = Options.NONE;
    Options b = a.with("k", "v");
    assertFalse(a.has("k"));
    assertEquals("v", b.get("k", ""));
  }
}
