package dev.mobilize.cli;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.NodeCost;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code analyze} review: per layer parameters, MACs, memory access cost (ShuffleNet V2's MAC:
 * input + output + weight bytes, fp32) and arithmetic intensity (MACs per byte), and findings that
 * name the layer: large kernels (VGG/Inception: 5x5 = two 3x3, 7x7 = three 3x3), 1x1 convolutions with
 * unequal widths (G1), group convolutions (G2), fragmented branches (G3), elementwise cost (G4),
 * standard convolutions a depthwise separable block could replace (MobileNet).
 */
final class AnalyzeReport implements Report {
  /** The text form, so that Gogo's echo and string conversion show the report. */
  @Override
  public String toString() {
    return toText();
  }


  private static final Set<String> ELEMENTWISE = Set.of("Add", "Sub", "Mul", "Div", "Relu", "Clip", "LeakyRelu",
      "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Mish", "Elu", "PRelu", "Pow", "Sqrt", "Erf", "Max", "Min",
      "BatchNormalization", "Gelu", "Cast", "Neg", "Exp");

  /** One finding: the rule it comes from, the layer, and what to do. */
  record Finding(String guideline, String layer, String message) {}

  private final Path file;
  private final Model model;
  private final List<NodeCost> costs;
  private final List<Finding> findings = new ArrayList<>();

  AnalyzeReport(Path file, Model model, List<NodeCost> costs) {
    this.file = file;
    this.model = model;
    this.costs = costs;
    review();
  }

  private Graph graph() {
    return model.graph();
  }

  private long[] dims(String value) {
    return graph().info(value).map(ValueInfo::shape).flatMap(s -> s.staticDims()).orElse(null);
  }

  private static double intensity(NodeCost c) {
    long mac = c.memoryAccessBytes(4);
    return mac <= 0 || c.macs() < 0 ? -1 : (double) c.macs() / mac;
  }

  private void review() {
    long totalMac = 0;
    long elementwiseMac = 0;
    String worstElementwise = null;
    long worstElementwiseMac = 0;
    int elementwiseNodes = 0;
    for (int i = 0; i < graph().nodes().size(); i++) {
      Node n = graph().nodes().get(i);
      NodeCost c = costs.get(i);
      long mac = c.memoryAccessBytes(4);
      if (mac > 0) {
        totalMac += mac;
      }
      if (ELEMENTWISE.contains(n.opType()) && n.domain().isEmpty()) {
        elementwiseNodes++;
        if (mac > 0) {
          elementwiseMac += mac;
          if (mac > worstElementwiseMac) {
            worstElementwiseMac = mac;
            worstElementwise = c.node();
          }
        }
      }
      if (!n.opType().equals("Conv") && !n.opType().equals("FusedConv")) {
        continue;
      }
      Tensor w = graph().initializer(n.input(1)).orElse(null);
      if (w == null || w.rank() != 4) {
        continue;
      }
      long m = w.dims()[0];
      long cg = w.dims()[1];
      long kh = w.dims()[2];
      long kw = w.dims()[3];
      long group = n.attributes().getInt("group", 1);
      long cin = cg * group;
      boolean depthwise = group > 1 && group == cin;
      if (!depthwise && kh == kw && (kh == 5 || kh == 7)) {
        long n3 = kh == 5 ? 2 : 3;
        // params: k²·C·M vs n·9·C·M (same receptive field, n−1 more non-linearities)
        findings.add(new Finding("kernel", c.node(), String.format(Locale.ROOT,
            "%dx%d convolution (%d->%d): %d stacked 3x3 see as far with %.0f%% of the weights and MACs",
            kh, kw, cin, m, n3, 100.0 * n3 * 9 / (kh * kw))));
      }
      if (kh == 1 && kw == 1 && group == 1 && cin != m) {
        double ratio = (double) Math.max(cin, m) / Math.min(cin, m);
        if (ratio >= 2) {
          findings.add(new Finding("G1", c.node(), String.format(Locale.ROOT,
              "1x1 convolution %d->%d channels (ratio %.1f): equal widths minimise memory access for the same FLOPs",
              cin, m, ratio)));
        }
      }
      if (group > 1 && !depthwise) {
        findings.add(new Finding("G2", c.node(), String.format(Locale.ROOT,
            "group convolution with %d groups (%d->%d): memory access grows with the group count", group, cin, m)));
      }
      if (group == 1 && kh >= 3 && cin >= 16 && m >= 16) {
        // standard k²·C·M vs depthwise k²·C + pointwise C·M
        double standard = (double) kh * kw * cin * m;
        double separable = (double) kh * kw * cin + (double) cin * m;
        double factor = standard / separable;
        if (factor >= 4) {
          findings.add(new Finding("MobileNet", c.node(), String.format(Locale.ROOT,
              "standard %dx%d convolution %d->%d: a depthwise %dx%d + pointwise 1x1 block needs %.1fx fewer MACs",
              kh, kw, cin, m, kh, kw, factor)));
        }
      }
    }
    // G3: values read by 3 or more nodes and joins of 3 or more branches fragment the network
    for (Node n : graph().nodes()) {
      for (String o : n.outputs()) {
        int readers = graph().consumers(o).size();
        if (readers >= 3) {
          findings.add(new Finding("G3", n.name().isEmpty() ? n.describe() : n.name(),
              "output read by " + readers + " parallel branches: fragmentation costs launches and synchronisation"));
        }
      }
      if ((n.opType().equals("Concat") || n.opType().equals("Sum")) && n.inputs().size() >= 3) {
        findings.add(new Finding("G3", n.name().isEmpty() ? n.describe() : n.name(),
            n.opType() + " joins " + n.inputs().size() + " branches: fragmentation costs launches and synchronisation"));
      }
    }
    if (totalMac > 0 && elementwiseMac * 10 >= totalMac) {
      findings.add(new Finding("G4", worstElementwise, String.format(Locale.ROOT,
          "%d elementwise nodes move %.0f%% of all bytes (%s of %s) with almost no MACs; fuse them into the "
              + "convolutions (convert optimizes this) or drop some", elementwiseNodes, 100.0 * elementwiseMac / totalMac,
          Units.bytes(elementwiseMac), Units.bytes(totalMac))));
    }
  }

  long parameters() {
    return graph().parameterCount();
  }

  /** Bytes of the weights stored with floats as {@code bytesPerFloat}, other types as they are. */
  long sizeAs(int bytesPerFloat) {
    long s = 0;
    for (Tensor t : graph().initializers().values()) {
      s += t.type() == DataType.FLOAT || t.type() == DataType.FLOAT16 || t.type() == DataType.DOUBLE
          ? t.numElements() * bytesPerFloat : t.byteSize();
    }
    return s;
  }

  private long total(java.util.function.ToLongFunction<NodeCost> f) {
    long s = 0;
    for (NodeCost c : costs) {
      long v = f.applyAsLong(c);
      if (v < 0) {
        return -1;
      }
      s += v;
    }
    return s;
  }

  @Override
  public String toText() {
    StringBuilder sb = new StringBuilder();
    long macs = total(NodeCost::macs);
    long access = total(c -> c.memoryAccessBytes(4));
    sb.append(String.format(Locale.ROOT, "%-12s%s%n", "model", file));
    sb.append(String.format(Locale.ROOT, "%-12s%s (%s)%n", "parameters", Units.grouped(parameters()), Units.count(parameters())));
    sb.append(String.format(Locale.ROOT, "%-12s%s MACs, memory access %s, intensity %s MACs/byte%n", "compute",
        Units.count(macs), Units.bytes(access), macs < 0 || access <= 0 ? "unknown"
            : String.format(Locale.ROOT, "%.1f", (double) macs / access)));
    sb.append(String.format(Locale.ROOT, "%-12sfp32 %s, fp16 %s, int8 %s%n", "size", Units.bytes(sizeAs(4)),
        Units.bytes(sizeAs(2)), Units.bytes(sizeAs(1))));
    sb.append('\n');
    TableReport table = new TableReport("", "#", "layer", "op", "output", "params", "MACs", "MAC bytes", "MACs/byte");
    for (int i = 0; i < costs.size(); i++) {
      NodeCost c = costs.get(i);
      Node n = graph().nodes().get(i);
      long[] d = n.outputs().isEmpty() ? null : dims(n.output(0));
      double ai = intensity(c);
      table.row(i, c.node(), c.opType(), d == null ? "?" : java.util.Arrays.toString(d).replace(" ", ""),
          Units.grouped(c.params()), Units.count(c.macs()), Units.bytes(c.memoryAccessBytes(4)),
          ai < 0 ? "-" : String.format(Locale.ROOT, "%.1f", ai));
    }
    sb.append(table.toText()).append("\n\n");
    if (findings.isEmpty()) {
      sb.append("findings    none");
    } else {
      sb.append("findings (").append(findings.size()).append(")\n");
      for (Finding f : findings) {
        sb.append(String.format(Locale.ROOT, "  [%s] %s: %s%n", f.guideline(), f.layer(), f.message()));
      }
    }
    return sb.toString().stripTrailing();
  }

  @Override
  public String toJson() {
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("file", file.toString());
    j.put("parameters", parameters());
    j.put("macs", total(NodeCost::macs));
    j.put("memory_access_bytes", total(c -> c.memoryAccessBytes(4)));
    Map<String, Object> size = new LinkedHashMap<>();
    size.put("fp32", sizeAs(4));
    size.put("fp16", sizeAs(2));
    size.put("int8", sizeAs(1));
    j.put("size_bytes", size);
    List<Map<String, Object>> layers = new ArrayList<>();
    for (int i = 0; i < costs.size(); i++) {
      NodeCost c = costs.get(i);
      Map<String, Object> l = new LinkedHashMap<>();
      l.put("layer", c.node());
      l.put("op", c.opType());
      l.put("params", c.params());
      l.put("macs", c.macs());
      l.put("memory_access_bytes", c.memoryAccessBytes(4));
      l.put("intensity", intensity(c));
      layers.add(l);
    }
    j.put("layers", layers);
    List<Map<String, Object>> fs = new ArrayList<>();
    for (Finding f : findings) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("guideline", f.guideline());
      m.put("layer", f.layer());
      m.put("message", f.message());
      fs.add(m);
    }
    j.put("findings", fs);
    return Json.write(j);
  }
}
