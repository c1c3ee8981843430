package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.service.GraphPass;
import dev.mobilize.service.PassContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * The channel shuffle of ShuffleNet, {@code Reshape [1,C,H,W]→[1,g,C/g,H,W] → Transpose
 * [0,2,1,3,4] → Reshape [1,C,H,W]}, as one {@code ncnn.ShuffleChannel {group=g}} node (ncnn's
 * ShuffleChannel layer). The ncnn domain exists only on the way to ncnn. Needs static shapes.
 */
@Component(service = GraphPass.class, property = "mobilize.pass=RecognizeShuffleChannel")
public final class RecognizeShuffleChannel implements GraphPass {

  /** The domain of nodes that only ncnn's exporter understands. */
  static final String NCNN_DOMAIN = "ncnn";

  @Override
  public String name() {
    return "RecognizeShuffleChannel";
  }

  @Override
  public String description() {
    return "Reshape/Transpose/Reshape channel shuffle as ncnn.ShuffleChannel (for ncnn)";
  }

  @Override
  public Set<String> produces() {
    return Set.of("ShuffleChannel");
  }

  @Override
  public PassResult apply(Model model, PassContext context) {
    Graph g = model.graph();
    int rewrites = 0;
    for (Node last : g.nodes()) {
      Optional<Node> shuffle = match(last, g);
      if (shuffle.isPresent()) {
        Node t = g.producer(last.input(0)).orElseThrow();
        Node first = g.producer(t.input(0)).orElseThrow();
        List<Node> nodes = new ArrayList<>();
        for (Node n : g.nodes()) {
          if (n == last) {
            nodes.add(shuffle.get());
          } else if (n != t && n != first) {
            nodes.add(n);
          }
        }
        g = g.toBuilder().nodes(nodes).build();
        rewrites++;
      }
    }
    return new PassResult(rewrites == 0 ? model : model.withGraph(GraphEdits.removeDead(g)), rewrites);
  }

  /** The ShuffleChannel node replacing the pattern ending at {@code last}, if it matches. */
  static Optional<Node> match(Node last, Graph g) {
    if (!last.opType().equals("Reshape") || !last.domain().isEmpty()) {
      return Optional.empty();
    }
    Node t = g.producer(last.input(0)).orElse(null);
    if (t == null || !t.opType().equals("Transpose") || g.consumers(t.output(0)).size() != 1
        || !Arrays.equals(t.attributes().ints("perm", null), new long[] {0, 2, 1, 3, 4})) {
      return Optional.empty();
    }
    Node first = g.producer(t.input(0)).orElse(null);
    if (first == null || !first.opType().equals("Reshape") || g.consumers(first.output(0)).size() != 1) {
      return Optional.empty();
    }
    long[] x = dims(g, first.input(0));
    long[] mid = dims(g, first.output(0));
    long[] y = dims(g, last.output(0));
    if (x == null || mid == null || y == null || x.length != 4 || mid.length != 5 || !Arrays.equals(x, y)
        || x[0] != 1 || mid[0] != 1 || mid[1] * mid[2] != x[1] || mid[3] != x[2] || mid[4] != x[3]) {
      return Optional.empty();
    }
    return Optional.of(Node.builder("ShuffleChannel").domain(NCNN_DOMAIN).name(last.name())
        .inputs(first.input(0)).outputs(last.output(0))
        .attributes(Attributes.builder().set("group", mid[1]).build()).build());
  }

  private static long[] dims(Graph g, String v) {
    return g.info(v).map(i -> i.shape()).filter(Shape::isStatic).map(Shape::toArray).orElse(null);
  }
}
