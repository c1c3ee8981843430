package dev.mobilize.ir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class TensorTest {

  @Test
  void floatsRoundTripThroughLittleEndianBytes() {
    Tensor t = Tensor.ofFloats(new long[] {2, 2}, 1f, -2f, 3.5f, 0f);
    assertEquals(16, t.byteSize());
    assertArrayEquals(new float[] {1f, -2f, 3.5f, 0f}, t.toFloatArray());
    byte[] b = t.toByteArray();
    assertEquals(0x3f, b[3] & 0xff); // 1.0f = 0x3f800000, little-endian: last byte first
    assertEquals(t, Tensor.of(DataType.FLOAT, new long[] {2, 2}, b));
  }

  @Test
  void integerTypesConvertWithTheirSignedness() {
    Tensor u8 = Tensor.of(DataType.UINT8, new long[] {2}, new byte[] {(byte) 255, 1});
    assertArrayEquals(new long[] {255, 1}, u8.toLongArray());
    Tensor i8 = Tensor.of(DataType.INT8, new long[] {2}, new byte[] {(byte) 255, 1});
    assertArrayEquals(new long[] {-1, 1}, i8.toLongArray());
    assertArrayEquals(new float[] {-1f, 1f}, i8.toFloatArray());
    Tensor i4 = Tensor.of(DataType.INT4, new long[] {3}, new byte[] {(byte) 0xf7, 0x01});
    assertArrayEquals(new long[] {7, -1, 1}, i4.toLongArray());
  }

  @Test
  void halfsAreRoundedAndReadBack() {
    Tensor h = Tensor.ofHalfs(new long[] {3}, 1.5f, 65504f, 1e-8f);
    assertArrayEquals(new float[] {1.5f, 65504f, 0f}, h.toFloatArray());
  }

  @Test
  void wrongByteCountIsRejectedWithBothNumbers() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Tensor.of(DataType.FLOAT, new long[] {3}, new byte[8]));
    assertEquals("tensor f32[3] needs 12 bytes, got 8", e.getMessage());
  }

  @Test
  void arraysAreCopiedInAndOut() {
    long[] dims = {2};
    Tensor t = Tensor.ofLongs(dims, 5, 6);
    dims[0] = 7;
    assertArrayEquals(new long[] {2}, t.dims());
    t.dims()[0] = 9;
    assertArrayEquals(new long[] {2}, t.dims());
  }

  @Test
  void equalityIsByContent() {
    assertEquals(Tensor.vector(1, 2), Tensor.vector(1, 2));
    assertNotEquals(Tensor.vector(1, 2), Tensor.vector(1, 3));
    assertNotEquals(Tensor.ofInts(new long[] {2}, 1, 2), Tensor.vector(1, 2));
  }

  @Test
  void stringTensors() {
    Tensor s = Tensor.ofStrings(new long[] {2}, List.of("a", "b"));
    assertEquals(List.of("a", "b"), s.strings());
    assertEquals("str[2]{\"a\", \"b\"}", s.toString());
  }

  @Test
  void toStringElidesLongTensors() {
    float[] v = new float[20];
    assertEquals("f32[20]{0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, ...}", Tensor.ofFloats(new long[] {20}, v).toString());
    assertEquals("i64[2]{3, 4}", Tensor.vector(3, 4).toString());
  }
}
