package dev.mobilize.cli;

import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.NodeCost;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** What {@code info} shows about a model: interface, operators, size and compute. */
final class InfoReport implements Report {

  private final ModelFiles.Loaded loaded;
  private final List<NodeCost> costs;
  private final long peakActivationBytes;
  private final boolean layers;

  InfoReport(ModelFiles.Loaded loaded, List<NodeCost> costs, long peakActivationBytes, boolean layers) {
    this.loaded = loaded;
    this.costs = costs;
    this.peakActivationBytes = peakActivationBytes;
    this.layers = layers;
  }

  private Graph graph() {
    return loaded.model().graph();
  }

  /** Operator type → count, most frequent first (ties by name). */
  Map<String, Integer> census() {
    Map<String, Integer> counts = new TreeMap<>();
    for (Node n : graph().nodes()) {
      String op = n.domain().isEmpty() ? n.opType() : n.domain() + "." + n.opType();
      counts.merge(op, 1, Integer::sum);
    }
    return counts.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue())
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
  }

  long totalMacs() {
    return sum(costs.stream().mapToLong(NodeCost::macs).toArray());
  }

  long totalFlops() {
    return sum(costs.stream().mapToLong(NodeCost::flops).toArray());
  }

  long parameters() {
    return graph().parameterCount();
  }

  long parameterBytes() {
    return graph().initializers().values().stream().mapToLong(t -> t.byteSize()).sum();
  }

  private static long sum(long[] values) {
    long s = 0;
    for (long v : values) {
      if (v < 0) {
        return -1;
      }
      s += v;
    }
    return s;
  }

  private String opsets() {
    Model m = loaded.model();
    String source = m.metadata().get("mobilize.source_opset");
    String ops = m.opsets().entrySet().stream()
        .map(e -> (e.getKey().isEmpty() ? "ai.onnx" : e.getKey()) + " " + e.getValue())
        .collect(Collectors.joining(", "));
    return source != null && !source.equals(String.valueOf(m.opset()))
        ? "ai.onnx " + source + " in the file, read as " + ops : ops;
  }

  @Override
  public String toText() {
    Model m = loaded.model();
    StringBuilder sb = new StringBuilder();
    line(sb, "model", loaded.file() + " (" + loaded.format() + ", " + Units.bytes(loaded.fileBytes()) + ")");
    if (!m.producerName().isEmpty()) {
      line(sb, "producer", (m.producerName() + " " + m.producerVersion()).trim());
    }
    line(sb, "opsets", opsets());
    for (ValueInfo v : graph().inputs()) {
      line(sb, "input", v.name() + " " + v.typeString());
    }
    for (ValueInfo v : graph().outputs()) {
      line(sb, "output", v.name() + " " + v.typeString());
    }
    line(sb, "nodes", graph().nodes().size() + ": " + census().entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
    line(sb, "parameters", Units.grouped(parameters()) + " (" + Units.count(parameters()) + ", "
        + Units.bytes(parameterBytes()) + " of weights)");
    String dynamic = graph().inputs().stream().anyMatch(v -> !v.shape().isStatic())
        ? " (the inputs are dynamic: fix them with --input-shape " + graph().inputs().get(0).name() + "=...)" : "";
    line(sb, "compute", Units.count(totalMacs()) + " MACs, " + Units.count(totalFlops()) + " FLOPs"
        + (totalMacs() < 0 ? dynamic : ""));
    line(sb, "activations", peakActivationBytes < 0 ? "peak unknown" + dynamic : "peak " + Units.bytes(peakActivationBytes)
        + " (values alive at once, running nodes in graph order)");
    if (layers) {
      sb.append('\n');
      TableReport table = new TableReport("", "#", "node", "op", "output", "MACs", "FLOPs", "params");
      for (int i = 0; i < costs.size(); i++) {
        NodeCost c = costs.get(i);
        Node n = graph().nodes().get(i);
        String out = n.outputs().isEmpty() ? "" : graph().info(n.output(0)).map(ValueInfo::typeString).orElse("?");
        table.row(i, c.node(), c.opType(), out, Units.count(c.macs()), Units.count(c.flops()), Units.grouped(c.params()));
      }
      sb.append(table.toText());
    } else {
      sb.append("(--layers lists every node with its cost; --json gives all figures)");
    }
    return sb.toString().stripTrailing();
  }

  private static void line(StringBuilder sb, String key, String value) {
    sb.append(String.format("%-12s%s%n", key, value));
  }

  @Override
  public String toJson() {
    Model m = loaded.model();
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("file", loaded.file().toString());
    j.put("format", loaded.format());
    j.put("file_bytes", loaded.fileBytes());
    j.put("producer", (m.producerName() + " " + m.producerVersion()).trim());
    Map<String, Object> opsets = new LinkedHashMap<>();
    m.opsets().forEach((k, v) -> opsets.put(k.isEmpty() ? "ai.onnx" : k, v));
    j.put("opsets", opsets);
    j.put("source_opset", m.metadata().get("mobilize.source_opset"));
    j.put("inputs", values(graph().inputs()));
    j.put("outputs", values(graph().outputs()));
    j.put("node_count", graph().nodes().size());
    j.put("op_census", census());
    j.put("parameters", parameters());
    j.put("parameter_bytes", parameterBytes());
    j.put("macs", totalMacs());
    j.put("flops", totalFlops());
    j.put("peak_activation_bytes", peakActivationBytes);
    if (layers) {
      List<Map<String, Object>> nodes = new ArrayList<>();
      for (NodeCost c : costs) {
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("node", c.node());
        n.put("op", c.opType());
        n.put("macs", c.macs());
        n.put("flops", c.flops());
        n.put("params", c.params());
        n.put("input_bytes", c.inputBytes());
        n.put("output_bytes", c.outputBytes());
        nodes.add(n);
      }
      j.put("layers", nodes);
    }
    return Json.write(j);
  }

  private static List<Map<String, Object>> values(List<ValueInfo> list) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (ValueInfo v : list) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", v.name());
      m.put("type", v.type().name().toLowerCase(java.util.Locale.ROOT));
      m.put("shape", v.shape().hasRank() ? v.shape().dimList().stream().map(Object::toString).toList() : null);
      out.add(m);
    }
    return out;
  }

  @Override
  public String toString() {
    return toText();
  }
}
