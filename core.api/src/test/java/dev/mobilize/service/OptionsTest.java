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

  @Test
  void shapesInEitherSeparatorAndOrder() {
    Map<String, long[]> m = Options.of(Map.of("input-shape", "x=1,3,224,224; y : 1, 128")).getShapes("input-shape");
    assertEquals(List.of("x", "y"), List.copyOf(m.keySet()));
    assertEquals(List.of(1L, 3L, 224L, 224L), java.util.Arrays.stream(m.get("x")).boxed().toList());
    assertEquals(List.of(1L, 128L), java.util.Arrays.stream(m.get("y")).boxed().toList());
    assertTrue(Options.NONE.getShapes("input-shape").isEmpty());
  }

  @Test
  void malformedShapesNameTheOptionAndTheEntry() {
    MobilizeException noName = assertThrows(MobilizeException.class,
        () -> Options.of(Map.of("input-shape", "1,3,224,224")).getShapes("input-shape"));
    assertEquals("option 'input-shape': '1,3,224,224' must look like NAME=1,3,224,224", noName.getMessage());
    MobilizeException badDim = assertThrows(MobilizeException.class,
        () -> Options.of(Map.of("input-shape", "x=1,N,8")).getShapes("input-shape"));
    assertEquals("option 'input-shape': 'x=1,N,8' has 'N' where a dimension (a whole number) belongs, "
        + "e.g. NAME=1,3,224,224", badDim.getMessage());
    assertThrows(MobilizeException.class, () -> Options.of(Map.of("input-shape", "x=1,-3")).getShapes("input-shape"));
  }
}
