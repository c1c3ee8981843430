package dev.mobilize.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A report that is one table: a title, column headers and rows, rendered with aligned columns,
 * or as a JSON array of objects keyed by the headers.
 */
final class TableReport implements Report {

  private final String title;
  private final List<String> headers;
  private final List<List<String>> rows = new ArrayList<>();
  private String emptyText = "(none)";

  TableReport(String title, String... headers) {
    this.title = title;
    this.headers = List.of(headers);
  }

  TableReport row(Object... cells) {
    if (cells.length != headers.size()) {
      throw new IllegalStateException("row has " + cells.length + " cells, table has " + headers.size() + " columns");
    }
    List<String> r = new ArrayList<>();
    for (Object c : cells) {
      r.add(String.valueOf(c));
    }
    rows.add(r);
    return this;
  }

  TableReport whenEmpty(String text) {
    this.emptyText = text;
    return this;
  }

  List<List<String>> rows() {
    return rows;
  }

  @Override
  public String toText() {
    StringBuilder sb = new StringBuilder();
    if (!title.isEmpty()) {
      sb.append(title).append('\n');
    }
    if (rows.isEmpty()) {
      return sb.append(emptyText).toString();
    }
    int[] width = new int[headers.size()];
    for (int c = 0; c < width.length; c++) {
      width[c] = headers.get(c).length();
      for (List<String> r : rows) {
        width[c] = Math.max(width[c], r.get(c).length());
      }
    }
    appendRow(sb, headers, width);
    for (List<String> r : rows) {
      sb.append('\n');
      appendRow(sb, r, width);
    }
    return sb.toString();
  }

  private static void appendRow(StringBuilder sb, List<String> cells, int[] width) {
    StringBuilder line = new StringBuilder();
    for (int c = 0; c < cells.size(); c++) {
      line.append(cells.get(c));
      if (c < cells.size() - 1) {
        line.append(" ".repeat(width[c] - cells.get(c).length() + 2));
      }
    }
    sb.append(line.toString().stripTrailing());
  }

  @Override
  public String toJson() {
    List<Map<String, String>> list = new ArrayList<>();
    for (List<String> r : rows) {
      Map<String, String> m = new LinkedHashMap<>();
      for (int c = 0; c < headers.size(); c++) {
        m.put(headers.get(c), r.get(c));
      }
      list.add(m);
    }
    return Json.write(list);
  }

  @Override
  public String toString() {
    return toText();
  }
}
