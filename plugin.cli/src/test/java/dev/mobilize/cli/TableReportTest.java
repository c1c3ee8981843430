package dev.mobilize.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class TableReportTest {

  @Test
  void alignsColumnsAndTrimsTrailingSpace() {
    TableReport t = new TableReport("", "format", "import").row("onnx", "yes").row("ncnn", "-");
    assertEquals("format  import\nonnx    yes\nncnn    -", t.toText());
  }

  @Test
  void emptyTableSaysSo() {
    assertEquals("Passes\nnothing here", new TableReport("Passes", "a").whenEmpty("nothing here").toText());
  }

  @Test
  void jsonIsAnArrayOfObjects() {
    TableReport t = new TableReport("", "name", "note").row("a", "say \"hi\"\n");
    assertEquals("[{\"name\":\"a\",\"note\":\"say \\\"hi\\\"\\n\"}]", t.toJson());
  }

  @Test
  void rowWidthMustMatch() {
    assertThrows(IllegalStateException.class, () -> new TableReport("", "a", "b").row("x"));
  }

  @Test
  void jsonWritesNestedValues() {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("a", java.util.Arrays.asList(1, 2.5, true, null));
    m.put("b", new long[] {3, 4});
    assertEquals("{\"a\":[1,2.5,true,null],\"b\":[3,4]}", Json.write(m));
    assertEquals("[null]", Json.write(List.of(Double.NaN)));
  }
}
