package dev.mobilize.ir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShapeTest {

  @Test
  void staticShapeCountsElements() {
    Shape s = Shape.of(1, 3, 224, 224);
    assertTrue(s.isStatic());
    assertEquals(4, s.rank());
    assertEquals(150528, s.numElements());
    assertArrayEquals(new long[] {1, 3, 224, 224}, s.toArray());
    assertEquals("[1,3,224,224]", s.toString());
  }

  @Test
  void parseKeepsSymbolNames() {
    Shape s = Shape.parse("batch,3,224,224");
    assertFalse(s.isStatic());
    assertEquals("batch", s.dim(0).symbol());
    assertEquals(List.of("batch"), s.symbols());
    assertEquals("[batch,3,224,224]", s.toString());
    assertEquals(Shape.of(1, 3, 8, 8), Shape.parse("1x3x8x8"));
    assertEquals(Shape.SCALAR, Shape.parse(""));
  }

  @Test
  void parseRejectsNegativeDimensionsWithTheText() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shape.parse("1,-3"));
    assertTrue(e.getMessage().contains("'-3'"), e.getMessage());
  }

  @Test
  void overflowingProductIsAnArithmeticException() {
    Shape s = Shape.of(1L << 40, 1L << 40);
    assertThrows(ArithmeticException.class, s::numElements);
  }

  @Test
  void unknownRank() {
    assertFalse(Shape.UNKNOWN.hasRank());
    assertFalse(Shape.UNKNOWN.isStatic());
    assertEquals("[?]", Shape.UNKNOWN.toString());
    assertThrows(IllegalStateException.class, Shape.UNKNOWN::rank);
  }

  @Test
  void negativeIndexCountsFromTheEnd() {
    assertEquals(Dim.of(224), Shape.of(1, 3, 112, 224).dim(-1));
  }
}
