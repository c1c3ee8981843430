package dev.mobilize.cpu;

import dev.mobilize.ir.Attribute;
import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Prepare-time rewrite, after {@link FuseForCpu}: the inverted-residual chain of MobileNetV2-like
 * networks, {@code expand 1x1 (+clamp) -> depthwise (+clamp) -> project 1x1 (+residual, +clamp)},
 * becomes one {@code mobilize.InvertedResidual} node that {@link InvertedResidual} runs band by band,
 * so the expanded tensor never goes to memory.
 *
 * <p>A chain is taken only when both intermediate values have no other reader and are not graph
 * outputs, all weights (and biases) are constant 4-D float tensors, the expand and project convolutions
 * are 1x1 with group 1, no strides, pads or dilations, the middle one is depthwise (group = its
 * channels, one input channel per filter), and every activation is a clamp ({@code Relu}, {@code Clip}
 * or none). Sizes are checked again when the node runs.
 *
 * <p>The fused node reads {@code x, W1, B1, W2, B2, W3, B3[, residual]} (an absent bias is "") and keeps
 * the three convolutions' attributes under the prefixes {@link #PARTS}.
 */
final class FuseBlocksForCpu {

  /** The fused op type (domain {@code mobilize}). */
  static final String OP = "InvertedResidual";
  /** Attribute prefixes of the three convolutions, in order. */
  static final String[] PARTS = {"expand.", "depthwise.", "project."};
  /** -Dmobilize.cpu.fuseBlocks=false keeps the three nodes (to compare). */
  static final String SWITCH = "mobilize.cpu.fuseBlocks";

  private FuseBlocksForCpu() {}

  static boolean enabled() {
    return Boolean.parseBoolean(System.getProperty(SWITCH, "true"));
  }

  static Graph apply(Graph g) {
    Map<String, Tensor> consts = new HashMap<>(g.initializers());
    Map<String, Integer> uses = new HashMap<>();
    for (Node n : g.nodes()) {
      for (String in : n.inputs()) {
        if (!in.isEmpty()) {
          uses.merge(in, 1, Integer::sum);
        }
      }
      for (Attribute a : n.attributes().asMap().values()) {
        if (a instanceof Attribute.GraphValue || a instanceof Attribute.Graphs) {
          return g; // values read inside subgraphs are not counted here: leave such graphs alone
        }
      }
    }
    Set<String> outputs = new HashSet<>();
    g.outputs().forEach(v -> outputs.add(v.name()));
    Map<String, Node> producer = new HashMap<>();
    for (Node n : g.nodes()) {
      n.outputs().forEach(o -> producer.put(o, n));
    }
    List<Node> nodes = new ArrayList<>(g.nodes());
    boolean changed = false;
    for (int i = 0; i < nodes.size(); i++) {
      Node project = nodes.get(i);
      if (project == null || !pointwise(project, consts, true)) {
        continue;
      }
      Node dw = single(project.input(0), producer, uses, outputs);
      if (dw == null || !depthwise(dw, consts)) {
        continue;
      }
      Node expand = single(dw.input(0), producer, uses, outputs);
      if (expand == null || !pointwise(expand, consts, false)) {
        continue;
      }
      int ie = nodes.indexOf(expand);
      int id = nodes.indexOf(dw);
      if (ie < 0 || id < 0) {
        continue;
      }
      nodes.set(ie, null);
      nodes.set(id, null);
      nodes.set(i, fused(expand, dw, project));
      changed = true;
    }
    if (!changed) {
      return g;
    }
    nodes.removeIf(Objects::isNull);
    return g.toBuilder().nodes(nodes).build();
  }

  private static Node fused(Node expand, Node dw, Node project) {
    Node[] parts = {expand, dw, project};
    Attributes.Builder ab = Attributes.builder();
    List<String> inputs = new ArrayList<>();
    inputs.add(expand.input(0));
    for (int p = 0; p < 3; p++) {
      String prefix = PARTS[p];
      parts[p].attributes().asMap().forEach((k, v) -> ab.set(prefix + k, v));
      inputs.add(parts[p].input(1));
      inputs.add(parts[p].hasInput(2) ? parts[p].input(2) : "");
    }
    if (project.hasInput(3)) {
      inputs.add(project.input(3));
    }
    return Node.builder(OP).domain(Node.MOBILIZE_DOMAIN).name(name(expand.name(), project.name()))
        .inputs(inputs.toArray(String[]::new)).outputs(project.output(0)).attributes(ab.build()).build();
  }

  /** The common prefix of the first and last node names (up to a '/'), else the first name. */
  private static String name(String first, String last) {
    int n = 0;
    while (n < Math.min(first.length(), last.length()) && first.charAt(n) == last.charAt(n)) {
      n++;
    }
    String common = first.substring(0, n);
    int cut = common.lastIndexOf('/');
    return cut > 0 ? common.substring(0, cut) + " (inverted residual)" : first;
  }

  /** The producer of {@code value} when it is its only reader's input and not a graph output. */
  private static Node single(String value, Map<String, Node> producer, Map<String, Integer> uses,
      Set<String> outputs) {
    if (value.isEmpty() || uses.getOrDefault(value, 0) != 1 || outputs.contains(value)) {
      return null;
    }
    Node n = producer.get(value);
    return n != null && n.outputs().size() == 1 ? n : null;
  }

  /** A Conv or FusedConv with constant float 4-D weights (and bias), a clamp activation, at most {@code maxInputs}. */
  private static boolean conv(Node n, Map<String, Tensor> consts, int maxInputs) {
    boolean op = n.domain().isEmpty() && n.opType().equals("Conv")
        || n.domain().equals(Node.MOBILIZE_DOMAIN) && n.opType().equals("FusedConv");
    if (!op || n.inputs().size() > maxInputs || n.inputs().size() < 2) {
      return false;
    }
    Tensor w = consts.get(n.input(1));
    if (w == null || w.type() != dev.mobilize.ir.DataType.FLOAT || w.dims().length != 4) {
      return false;
    }
    if (n.hasInput(2)) {
      Tensor b = consts.get(n.input(2));
      if (b == null || b.type() != dev.mobilize.ir.DataType.FLOAT || b.numElements() != w.dims()[0]) {
        return false;
      }
    }
    for (int i = 3; i < n.inputs().size(); i++) {
      if (n.input(i).isEmpty()) {
        return false;
      }
    }
    String act = n.attributes().getString("activation", "");
    return act.isEmpty() || act.equals("Relu") || act.equals("Clip");
  }

  /** 1x1, group 1, unit strides and dilations, no pads; the project may carry a residual (a fourth input). */
  private static boolean pointwise(Node n, Map<String, Tensor> consts, boolean residual) {
    if (!conv(n, consts, residual ? 4 : 3)) {
      return false;
    }
    long[] d = consts.get(n.input(1)).dims();
    Attributes a = n.attributes();
    return d[2] == 1 && d[3] == 1 && a.getInt("group", 1) == 1 && all(a.ints("strides", null), 1)
        && all(a.ints("dilations", null), 1) && all(a.ints("pads", null), 0)
        && List.of("NOTSET", "VALID").contains(a.getString("auto_pad", "NOTSET"));
  }

  /** group = output channels, one input channel per filter, no residual. */
  private static boolean depthwise(Node n, Map<String, Tensor> consts) {
    if (!conv(n, consts, 3)) {
      return false;
    }
    long[] d = consts.get(n.input(1)).dims();
    return d[1] == 1 && n.attributes().getInt("group", 1) == d[0] && d[0] > 1;
  }

  /** Every element of {@code v} (absent: the ONNX default) is {@code value}. */
  private static boolean all(long[] v, long value) {
    return v == null || Arrays.stream(v).allMatch(x -> x == value);
  }
}
