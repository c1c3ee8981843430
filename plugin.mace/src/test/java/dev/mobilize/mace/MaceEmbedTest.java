package dev.mobilize.mace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The C++ header form: byte arrays written and read back exactly, including empty weights. */
class MaceEmbedTest {

  @Test
  void arraysRoundTrip() {
    byte[] graph = new byte[40];
    for (int i = 0; i < graph.length; i++) {
      graph[i] = (byte) (i * 37 - 128);
    }
    byte[] data = {0, -1, 127, -128, 5};
    String h = MaceEmbed.write("my-model", graph, data);
    assertTrue(h.contains("namespace my_model {"), h);
    assertTrue(MaceEmbed.isEmbedded(h.getBytes(StandardCharsets.US_ASCII)));
    MaceEmbed.Arrays back = MaceEmbed.read(h);
    assertArrayEquals(graph, back.graph());
    assertArrayEquals(data, back.data());
  }

  @Test
  void emptyWeightsStayEmpty() {
    MaceEmbed.Arrays back = MaceEmbed.read(MaceEmbed.write("m", new byte[] {8, 1}, new byte[0]));
    assertArrayEquals(new byte[0], back.data());
  }

  @Test
  void foreignHeaderIsRefused() {
    assertFalse(MaceEmbed.isEmbedded("#pragma once\n".getBytes(StandardCharsets.US_ASCII)));
    assertThrows(IllegalArgumentException.class, () -> MaceEmbed.read("int x[3] = {1,2,3};"));
  }
}
