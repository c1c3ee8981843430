package dev.mobilize.mace;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The model as C++ source ({@code NAME.h}), so it ships inside the app binary as MACE's
 * {@code model_graph_format: code} does: the serialized MultiNetDef and the weights as aligned byte
 * arrays, with accessors that MACE's {@code CreateMaceEngineFromProto(graph, size, data, size, ...)}
 * takes. Its first line marks it for the importer, which reads the arrays back.
 */
final class MaceEmbed {

  private MaceEmbed() {}

  static final String MARK = "// MACE model embedded by Mobilize";

  record Arrays(byte[] graph, byte[] data) {}

  static boolean isEmbedded(byte[] head) {
    return new String(head, 0, Math.min(head.length, MARK.length()), StandardCharsets.US_ASCII).equals(MARK);
  }

  static String write(String name, byte[] graph, byte[] data) {
    String id = name.replaceAll("[^A-Za-z0-9_]", "_");
    if (id.isEmpty() || Character.isDigit(id.charAt(0))) {
      id = "m_" + id;
    }
    StringBuilder s = new StringBuilder(graph.length * 5 + data.length * 5 + 1024);
    s.append(MARK).append('\n');
    s.append("// Graph (NetDef) and weights of '").append(name).append("'. Load with\n");
    s.append("//   mace::CreateMaceEngineFromProto(mace_model::").append(id).append("::Graph(), mace_model::")
        .append(id).append("::GraphSize(),\n");
    s.append("//       mace_model::").append(id).append("::Data(), mace_model::").append(id)
        .append("::DataSize(), inputs, outputs, config, &engine);\n");
    s.append("#pragma once\n#include <cstddef>\n#include <cstdint>\n\n");
    s.append("namespace mace_model {\nnamespace ").append(id).append(" {\n\n");
    array(s, "kGraph", graph);
    array(s, "kData", data);
    s.append("inline const unsigned char *Graph() { return kGraph; }\n");
    s.append("inline size_t GraphSize() { return ").append(graph.length).append("; }\n");
    s.append("inline const unsigned char *Data() { return kData; }\n");
    s.append("inline size_t DataSize() { return ").append(data.length).append("; }\n\n");
    s.append("}  // namespace ").append(id).append("\n}  // namespace mace_model\n");
    return s.toString();
  }

  private static void array(StringBuilder s, String name, byte[] b) {
    s.append("alignas(16) inline const unsigned char ").append(name).append("[").append(Math.max(1, b.length))
        .append("] = {\n");
    for (int i = 0; i < b.length; i++) {
      s.append(i % 16 == 0 ? "  " : " ").append("0x").append(Character.forDigit((b[i] >> 4) & 0xf, 16))
          .append(Character.forDigit(b[i] & 0xf, 16)).append(',');
      if (i % 16 == 15 || i == b.length - 1) {
        s.append('\n');
      }
    }
    if (b.length == 0) {
      s.append("  0\n");
    }
    s.append("};\n\n");
  }

  private static final Pattern ARRAY = Pattern.compile("const unsigned char (kGraph|kData)\\[(\\d+)\\] = \\{([^}]*)\\}");

  static Arrays read(String source) {
    byte[] graph = null;
    byte[] data = null;
    Matcher m = ARRAY.matcher(source);
    while (m.find()) {
      long declared = Long.parseLong(m.group(2));
      if (declared > MaceImporter.MAX_FILE_BYTES) {
        throw new IllegalArgumentException(m.group(1) + " declares " + declared + " bytes; at most "
            + MaceImporter.MAX_FILE_BYTES + " are read");
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream((int) declared);
      for (String v : m.group(3).split(",")) {
        String t = v.trim();
        if (!t.isEmpty()) {
          out.write(Integer.decode(t));
        }
      }
      byte[] bytes = out.toByteArray();
      if (m.group(1).equals("kGraph")) {
        graph = bytes;
      } else {
        data = bytes;
      }
    }
    if (graph == null || data == null) {
      throw new IllegalArgumentException("the header holds no kGraph and kData arrays; was it written by --embed?");
    }
    // an empty array is written as one zero byte: the sizes say how much is real
    return new Arrays(java.util.Arrays.copyOf(graph, size(source, "GraphSize", graph.length)),
        java.util.Arrays.copyOf(data, size(source, "DataSize", data.length)));
  }

  private static int size(String source, String accessor, int max) {
    Matcher m = Pattern.compile(accessor + "\\(\\) \\{ return (\\d+); \\}").matcher(source);
    if (!m.find()) {
      throw new IllegalArgumentException("the header has no " + accessor + "(); was it written by --embed?");
    }
    long n = Long.parseLong(m.group(1));
    if (n > max) {
      throw new IllegalArgumentException(accessor + "() says " + n + " bytes but the array holds " + max);
    }
    return (int) n;
  }
}
