package dev.mobilize.mnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The builder grows its buffer wherever it writes, vtables included, and the reader finds what it wrote. */
class FlatBuffersTest {

  @Test
  void tablesWrittenAcrossBufferGrowthReadBack() {
    FlatBuffers.Builder b = new FlatBuffers.Builder();
    int count = 20_000;
    int[] tables = new int[count];
    for (int i = 0; i < count; i++) {
      // 17 slots, the last one set: each vtable is 38 bytes, so vtables cross the buffer's growth points
      b.startTable(17);
      b.addInt(0, i, 0);
      b.addBool(16, true, false);
      tables[i] = b.endTable();
    }
    int vec = b.offsets(tables);
    int name = b.string("net");
    b.startTable(2);
    b.addOffset(0, vec);
    b.addOffset(1, name);
    FlatBuffers.Table root = FlatBuffers.Table.root(b.finish(b.endTable()));
    assertEquals(count, root.length(0));
    assertEquals("net", root.string(1));
    for (int i = 0; i < count; i += 997) {
      FlatBuffers.Table t = root.tableAt(0, i);
      assertEquals(i, t.getInt(0, 0));
      assertEquals(true, t.getBool(16, false));
    }
    assertArrayEquals(new int[] {0, 1, 2}, new int[] {root.tableAt(0, 0).getInt(0, 0), root.tableAt(0, 1).getInt(0, 0),
        root.tableAt(0, 2).getInt(0, 0)});
  }
}
