package dev.mobilize.mace;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites the exporter needs before writing: the channel shuffle of ShuffleNet
 * ({@code Reshape [N,g,C/g,H,W] → Transpose [0,2,1,3,4] → Reshape [N,C,H,W]}, a rank-5 transpose
 * MACE cannot run) becomes MACE's ChannelShuffle with {@code group = g}.
 */
final class MaceLowering {

  private MaceLowering() {}

  static final String DOMAIN = "mace";
  static final String CHANNEL_SHUFFLE = DOMAIN + ".ChannelShuffle";

  static Graph lower(Graph g) {
    Map<String, Node> producer = new HashMap<>();
    Map<String, Integer> uses = new HashMap<>();
    for (Node n : g.nodes()) {
      n.outputs().forEach(o -> producer.put(o, n));
      n.inputs().forEach(i -> uses.merge(i, 1, Integer::sum));
    }
    g.outputs().forEach(o -> uses.merge(o.name(), 1, Integer::sum));
    Set<Node> dropped = new HashSet<>();
    Map<Node, Node> replaced = new HashMap<>();
    for (Node last : g.nodes()) {
      if (!last.opType().equals("Reshape") || !last.domain().isEmpty()) {
        continue;
      }
      Node t = producer.get(last.input(0));
      if (t == null || !t.opType().equals("Transpose") || uses.getOrDefault(t.output(0), 0) != 1
          || !java.util.Arrays.equals(t.attributes().ints("perm", null), new long[] {0, 2, 1, 3, 4})) {
        continue;
      }
      Node first = producer.get(t.input(0));
      if (first == null || !first.opType().equals("Reshape") || uses.getOrDefault(first.output(0), 0) != 1) {
        continue;
      }
      long[] five = g.info(first.output(0)).flatMap(v -> v.shape().staticDims()).orElse(null);
      long[] in = g.info(first.input(0)).flatMap(v -> v.shape().staticDims()).orElse(null);
      long[] out = g.info(last.output(0)).flatMap(v -> v.shape().staticDims()).orElse(null);
      if (five == null || in == null || out == null || five.length != 5 || in.length != 4
          || !java.util.Arrays.equals(in, out) || five[0] != in[0] || five[1] * five[2] != in[1]
          || five[3] != in[2] || five[4] != in[3]) {
        continue;
      }
      dropped.add(first);
      dropped.add(t);
      replaced.put(last, Node.builder("ChannelShuffle").domain(DOMAIN).name(last.name())
          .inputs(first.input(0)).outputs(last.output(0))
          .attributes(Attributes.builder().set("group", five[1]).build()).build());
    }
    if (replaced.isEmpty()) {
      return g;
    }
    List<Node> nodes = new ArrayList<>();
    for (Node n : g.nodes()) {
      if (!dropped.contains(n)) {
        nodes.add(replaced.getOrDefault(n, n));
      }
    }
    Set<String> read = new HashSet<>();
    nodes.forEach(n -> read.addAll(n.inputs()));
    g.outputs().forEach(o -> read.add(o.name()));
    Map<String, Tensor> inits = new java.util.LinkedHashMap<>();
    g.initializers().forEach((k, v) -> {
      if (read.contains(k)) {
        inits.put(k, v);
      }
    });
    return g.toBuilder().nodes(nodes).initializers(inits).build();
  }
}
