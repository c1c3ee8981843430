package dev.mobilize.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.mobilize.ir.Tensor;
import dev.mobilize.service.PreparedModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PairedTimingsTest {

  /** Warm-up runs pair up, then blocks of ten runs of each model take turns, the last block shorter. */
  @Test
  void blocksOfTenTakeTurnsAfterThePairedWarmUp() {
    List<String> calls = new ArrayList<>();
    PreparedModel a = mock(PreparedModel.class);
    PreparedModel b = mock(PreparedModel.class);
    when(a.run(any())).thenAnswer(inv -> {
      calls.add("a");
      return Map.<String, Tensor>of();
    });
    when(b.run(any())).thenAnswer(inv -> {
      calls.add("b");
      return Map.<String, Tensor>of();
    });
    PairedTimings.Sorted t;
    try (Progress progress = Progress.start("bench", 2L * (2 + 25))) {
      t = PairedTimings.measure(a, Map.of(), b, Map.of(), 2, 25, progress);
    }
    String expected = "abab" + "a".repeat(10) + "b".repeat(10) + "a".repeat(10) + "b".repeat(10) + "aaaaabbbbb";
    assertEquals(expected, String.join("", calls));
    assertEquals(25, t.model().length);
    assertEquals(25, t.against().length);
    for (long[] s : List.of(t.model(), t.against())) {
      for (int i = 1; i < s.length; i++) {
        assertTrue(s[i - 1] <= s[i], "sorted");
      }
      assertEquals(s[12] / 1e6, t.medianMs(s));
      assertEquals(s[0] / 1e6, t.minMs(s));
    }
  }
}
