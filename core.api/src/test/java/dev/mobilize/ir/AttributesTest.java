package dev.mobilize.ir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AttributesTest {

  private final Attributes attrs = Attributes.builder()
      .ints("strides", 2, 2).set("group", 4L).set("alpha", 0.5f).set("mode", "linear").build();

  @Test
  void typedGettersWithDefaults() {
    assertArrayEquals(new long[] {2, 2}, attrs.ints("strides"));
    assertEquals(4, attrs.getInt("group", 1));
    assertEquals(1, attrs.getInt("missing", 1));
    assertEquals(0.5f, attrs.getFloat("alpha"));
    assertEquals(4f, attrs.getFloat("group"), "INT widens to FLOAT");
    assertEquals("linear", attrs.getString("mode"));
    assertNull(attrs.ints("pads", null));
    assertArrayEquals(new long[] {4}, attrs.ints("group"), "a single INT reads as a list of one");
  }

  @Test
  void wrongTypeSaysWhatWasExpected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> attrs.getString("group"));
    assertEquals("attribute 'group' is INT, expected STRING", e.getMessage());
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> attrs.getInt("axis"));
    assertEquals("missing required attribute 'axis'", missing.getMessage());
  }

  @Test
  void printsInInsertionOrderAndComparesByValue() {
    assertEquals("{strides=[2,2], group=4, alpha=0.5, mode=\"linear\"}", attrs.toString());
    assertEquals(attrs, attrs.toBuilder().build());
    assertEquals("", Attributes.EMPTY.toString());
    assertEquals(new Attribute.Ints(new long[] {1}), new Attribute.Ints(new long[] {1}));
  }
}
