package dev.mobilize.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mobilize.ir.Tensor;
import dev.mobilize.service.MobilizeException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NpyTensorFormatTest {

  @Test
  void roundTripsWithAnAlignedVersion1Header() {
    Tensor t = Tensor.ofFloats(new long[] {2, 3}, 1, 2, 3, 4, 5, 6);
    byte[] bytes = NpyTensorFormat.toBytes(t);
    int headerEnd = 10 + ((bytes[8] & 0xff) | (bytes[9] & 0xff) << 8);
    assertEquals(0, headerEnd % 64, "data starts 64-byte aligned, as numpy writes it");
    String header = new String(bytes, 10, headerEnd - 10, StandardCharsets.ISO_8859_1);
    assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", header.trim());
    assertEquals(t, NpyTensorFormat.parse(bytes));
  }

  @Test
  void oneDimensionalShapesHaveATrailingComma() {
    byte[] bytes = NpyTensorFormat.toBytes(Tensor.vector(7, 8));
    String header = new String(bytes, 10, bytes.length - 10 - 16, StandardCharsets.ISO_8859_1);
    assertEquals("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", header.trim());
    assertArrayEquals(new long[] {7, 8}, NpyTensorFormat.parse(bytes).toLongArray());
  }

  @Test
  void refusesFortranOrderAndShortData() {
    byte[] bytes = NpyTensorFormat.toBytes(Tensor.ofFloats(new long[] {2}, 1, 2));
    byte[] fortran = new String(bytes, StandardCharsets.ISO_8859_1).replace("False", "True ")
        .getBytes(StandardCharsets.ISO_8859_1);
    assertEquals("is not a valid .npy file: it is in Fortran order; save it with numpy.ascontiguousarray first",
        assertThrows(MobilizeException.class, () -> NpyTensorFormat.parse(fortran)).getMessage());
    byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 1);
    assertEquals("is not a valid .npy file: it needs 8 bytes of data for f32[2], found 7",
        assertThrows(MobilizeException.class, () -> NpyTensorFormat.parse(cut)).getMessage());
  }
}
