package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.GraphPass;
import dev.mobilize.service.PassContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * ONNX LSTM and GRU with batch 1 as {@code ncnn.LSTM} / {@code ncnn.GRU}: the same node on ncnn's
 * blob layout. ncnn's recurrent layers read X as the blob {@code (T, I)} (IR {@code [1, T, I]}) and
 * write Y as {@code (T, dirs·H)} (IR {@code [1, T, dirs·H]}) and the states as {@code (dirs, H)}
 * (IR {@code [1, dirs, H]}). For batch 1 these hold the elements of ONNX's X {@code [T, 1, I]},
 * Y {@code [T, dirs, 1, H]} and Y_h {@code [dirs, 1, H]} in the same order, so:
 * <ul>
 *   <li>X is the nearest value above it, on such an order-keeping chain, whose shape starts with
 *       1 (PyTorch's batch_first Transpose [1,0,2] keeps the order), reshaped where needed; or it
 *       comes from a Transpose {@code [p0, 0, p2]} of a {@code [1, ...]} value, which becomes
 *       {@code [0, p0, p2]};
 *   <li>Y and Y_h feed chains of Squeeze/Unsqueeze/Reshape/Flatten and Transposes that keep the
 *       order of their non-unit axes (PyTorch's {@code Squeeze → Transpose} and
 *       {@code Transpose → Reshape → Transpose}); the last value of such a chain that starts with
 *       a 1 is written by the ncnn node, through a Reshape where its shape differs;
 *   <li>a Y that such a chain leads into the X of another LSTM/GRU (stacked layers) is written back
 *       through a Reshape that the next layer's lowering then skips.
 * </ul>
 * What ncnn's layers cannot compute stays as it is and the writer reports {@link #whyNot}.
 */
@Component(service = GraphPass.class, property = "mobilize.pass=LowerRecurrent")
public final class LowerRecurrent implements GraphPass {

  private static final Set<String> ORDER_KEEPING = Set.of("Reshape", "Squeeze", "Unsqueeze", "Flatten", "Transpose");

  @Override
  public String name() {
    return "LowerRecurrent";
  }

  @Override
  public String description() {
    return "LSTM/GRU with batch 1 as ncnn.LSTM/ncnn.GRU on ncnn's (T, I) blobs (for ncnn)";
  }

  @Override
  public Set<String> produces() {
    return Set.of("LSTM", "GRU");
  }

  @Override
  public PassResult apply(Model model, PassContext context) {
    Graph g = model.graph();
    int rewrites = 0;
    for (Node n : model.graph().nodes()) {
      if (!n.domain().isEmpty() || !n.opType().equals("LSTM") && !n.opType().equals("GRU")) {
        continue;
      }
      Plan p = plan(n, g);
      if (p.reason == null) {
        g = p.edit(g);
        rewrites++;
      }
    }
    return new PassResult(rewrites == 0 ? model : model.withGraph(GraphEdits.removeDead(g)), rewrites);
  }

  /** Why ncnn cannot compute this LSTM/GRU node, or null when it can. */
  static String whyNot(Node n, Graph g) {
    return plan(n, g).reason;
  }

  /** The values the ncnn node reads and writes, and the nodes and constants it needs, or a reason. */
  private static final class Plan {
    String reason;
    final List<Node> before = new ArrayList<>();
    final List<Node> after = new ArrayList<>();
    final List<ValueInfo> infos = new ArrayList<>();
    final java.util.Map<String, Tensor> constants = new java.util.LinkedHashMap<>();
    Node node;

    static Plan no(String reason) {
      Plan p = new Plan();
      p.reason = reason;
      return p;
    }

    /** The graph with the ncnn node (and its helpers) where the original was; chain ends it writes are dropped. */
    Graph edit(Graph g) {
      Graph.Builder b = g.toBuilder();
      int at = g.nodes().indexOf(original);
      List<Node> kept = new ArrayList<>();
      for (int i = 0; i < g.nodes().size(); i++) {
        Node m = g.nodes().get(i);
        if (i == at) {
          kept.addAll(before);
          kept.add(node);
          kept.addAll(after);
        } else if (m.outputs().stream().noneMatch(written::contains)) {
          kept.add(m);
        }
      }
      constants.forEach(b::initializer);
      for (ValueInfo v : infos) {
        b.valueInfo(v);
      }
      return b.nodes(kept).build();
    }

    Node original;
    final Set<String> written = new java.util.HashSet<>();
  }

  private static Plan plan(Node n, Graph g) {
    boolean lstm = n.opType().equals("LSTM");
    Attributes a = n.attributes();
    String direction = a.getString("direction", "forward");
    int dirs = switch (direction) {
      case "forward", "reverse" -> 1;
      case "bidirectional" -> 2;
      default -> 0;
    };
    if (dirs == 0) {
      return Plan.no("direction '" + direction + "' is not forward, reverse or bidirectional");
    }
    if (a.has("activations")) {
      List<String> acts = a.strings("activations");
      List<String> defaults = lstm ? List.of("Sigmoid", "Tanh", "Tanh") : List.of("Sigmoid", "Tanh");
      for (int i = 0; i < acts.size(); i++) {
        if (!acts.get(i).equalsIgnoreCase(defaults.get(i % defaults.size()))) {
          return Plan.no("activations " + acts + ": ncnn's " + n.opType() + " computes only the default "
              + defaults);
        }
      }
    }
    if (a.has("activation_alpha") || a.has("activation_beta")) {
      return Plan.no("activation_alpha/activation_beta are set; ncnn's " + n.opType() + " has no activation parameters");
    }
    if (a.has("clip")) {
      return Plan.no("clip is set; ncnn's " + n.opType() + " does not clip its gates");
    }
    if (lstm && a.getInt("input_forget", 0) != 0) {
      return Plan.no("input_forget=1; ncnn's LSTM has no coupled input and forget gates");
    }
    if (!lstm && a.getInt("linear_before_reset", 0) == 0) {
      return Plan.no("linear_before_reset=0; ncnn's GRU applies the reset gate after the recurrent product "
          + "(linear_before_reset=1, as PyTorch exports it) and cannot compute the other form");
    }
    int layout = (int) a.getInt("layout", 0);
    long[] x = staticDims(g, n.input(0));
    if (x == null || x.length != 3) {
      return Plan.no("X '" + n.input(0) + "' needs a static rank-3 shape; fix the input shapes with --input-shape");
    }
    long t = layout == 0 ? x[0] : x[1];
    long batch = layout == 0 ? x[1] : x[0];
    if (batch != 1) {
      return Plan.no("the batch is " + batch + "; ncnn's " + n.opType() + " runs one sequence (batch 1)");
    }
    for (int i = 1; i <= 2; i++) {
      if (g.initializer(n.input(i)).isEmpty()) {
        return Plan.no((i == 1 ? "W" : "R") + " ('" + n.input(i) + "') must be a constant for ncnn");
      }
    }
    if (n.hasInput(3) && g.initializer(n.input(3)).isEmpty()) {
      return Plan.no("B ('" + n.input(3) + "') must be a constant for ncnn");
    }
    if (n.hasInput(4)) {
      Tensor lens = g.initializer(n.input(4)).orElse(null);
      if (lens == null || lens.toLongArray()[0] != t) {
        return Plan.no("sequence_lens is given; ncnn's " + n.opType() + " always runs all " + t + " steps");
      }
    }
    if (lstm && n.hasInput(7)) {
      Tensor p = g.initializer(n.input(7)).orElse(null);
      if (p == null || !allZero(p)) {
        return Plan.no("peepholes P are set; ncnn's LSTM has none");
      }
    }
    long[] r = g.initializer(n.input(2)).orElseThrow().dims();
    long h = r.length == 3 ? r[2] : -1;
    if (h <= 0) {
      return Plan.no("R must be [dirs, gates·H, H], found " + Shape.format(r));
    }
    Plan p = new Plan();
    p.original = n;
    String base = n.name().isEmpty() ? n.output(0) : n.name();
    // X as [1, T, I]: the nearest value above it whose shape starts with 1, or a moved Transpose
    String xv = n.input(0);
    long[] xWant = {1, t, x[2]};
    String above = source(g, xv);
    Node tr = g.producer(xv).orElse(null);
    long[] perm = tr == null || !tr.opType().equals("Transpose") ? null : tr.attributes().ints("perm", null);
    long[] src = tr == null ? null : staticDims(g, tr.input(0));
    if (above != null) {
      xv = above;
      if (!Arrays.equals(staticDims(g, above), xWant)) {
        xv = base + "_x_ncnn";
        p.before.add(reshape(above, xv, xWant, p));
      }
    } else if (layout == 0 && perm != null && perm.length == 3 && perm[1] == 0 && src != null && src[0] == 1) {
      // a Transpose [p0, 0, p2] of a [1, ...] value: the same Transpose with the 1 kept first
      xv = base + "_x_ncnn";
      p.before.add(Node.builder("Transpose").name(xv).inputs(tr.input(0)).outputs(xv)
          .attributes(Attributes.builder().ints("perm", 0, perm[0], perm[2]).build()).build());
      p.infos.add(new ValueInfo(xv, DataType.FLOAT, Shape.of(xWant)));
    } else {
      return Plan.no("X '" + xv + "' is " + Shape.format(x) + "; ncnn blobs have no batch axis, so X must come "
          + "from a [1, ...] value through Squeeze/Reshape/Transpose (as PyTorch's batch_first export and "
          + "stacked layers give) or from a Transpose that moved the batch axis");
    }
    List<String> ins = new ArrayList<>(List.of(xv, n.input(1), n.input(2), n.hasInput(3) ? n.input(3) : ""));
    // initial states as [1, dirs, H]
    long[] state = {1, dirs, h};
    int states = lstm ? 2 : 1;
    String[] init = new String[states];
    for (int s = 0; s < states; s++) {
      int i = 5 + s;
      if (!n.hasInput(i)) {
        continue;
      }
      Tensor c = g.initializer(n.input(i)).orElse(null);
      if (c != null) {
        if (!allZero(c)) {
          init[s] = base + (s == 0 ? "_h0" : "_c0") + "_ncnn";
          p.constants.put(init[s], Tensor.ofFloats(state, c.toFloatArray()));
        }
        continue;
      }
      long[] d = staticDims(g, n.input(i));
      if (d == null || d[0] != 1) {
        return Plan.no((s == 0 ? "initial_h" : "initial_c") + " '" + n.input(i) + "' is " + Arrays.toString(d)
            + "; ncnn needs the states as (dirs, H) blobs, so it must be a constant or start with 1");
      }
      init[s] = n.input(i);
      if (!Arrays.equals(d, state)) {
        init[s] = base + (s == 0 ? "_h0" : "_c0") + "_ncnn";
        p.before.add(reshape(n.input(i), init[s], state, p));
      }
    }
    if (lstm && (init[0] == null) != (init[1] == null)) {
      int missing = init[0] == null ? 0 : 1;
      init[missing] = base + (missing == 0 ? "_h0" : "_c0") + "_ncnn";
      p.constants.put(init[missing], Tensor.ofFloats(state, new float[(int) (dirs * h)]));
    }
    if (init[0] != null) {
      for (String s : init) {
        ins.add(s);
      }
    }
    // outputs: Y as [1, T, dirs·H], Y_h and Y_c as [1, dirs, H]
    int outs = lstm ? 3 : 2;
    List<String> outNames = new ArrayList<>();
    boolean statesUsed = false;
    String mine;
    for (int o = 0; o < outs; o++) {
      long[] want = o == 0 ? new long[] {1, t, dirs * h} : state;
      String v = o < n.outputs().size() ? n.output(o) : "";
      String target = v.isEmpty() ? null : target(g, v);
      boolean used = !v.isEmpty() && (!g.consumers(v).isEmpty() || isOutput(g, v));
      if (used && target == null && o == 0 && feedsRecurrent(g, v)) {
        // a stacked layer reads Y: written back as Y here, the next layer's lowering finds mine above it
        mine = base + "_out0_ncnn";
        p.after.add(reshape(mine, v, staticDims(g, v), p));
        p.infos.add(new ValueInfo(mine, DataType.FLOAT, Shape.of(want)));
        outNames.add(mine);
        continue;
      }
      if (used && target == null) {
        return Plan.no("output '" + v + "' is " + Shape.format(staticDims(g, v)) + " and read as such; ncnn writes "
            + "it as a blob without the batch axis " + Shape.format(want) + ", and no Squeeze/Transpose/Reshape "
            + "chain after it reaches a shape that starts with 1");
      }
      statesUsed |= o > 0 && used;
      if (!used) {
        mine = base + "_out" + o + "_ncnn";
      } else if (Arrays.equals(staticDims(g, target), want)) {
        mine = target;
        p.written.add(target);
      } else {
        mine = base + "_out" + o + "_ncnn";
        p.written.add(target);
        p.after.add(reshape(mine, target, staticDims(g, target), p));
      }
      p.infos.add(new ValueInfo(mine, DataType.FLOAT, Shape.of(want)));
      outNames.add(mine);
    }
    if (!statesUsed) {
      outNames = outNames.subList(0, 1);
    }
    while (ins.size() > 1 && ins.get(ins.size() - 1).isEmpty()) {
      ins.remove(ins.size() - 1);
    }
    p.node = Node.builder(n.opType()).domain(RecognizeShuffleChannel.NCNN_DOMAIN).name(n.name())
        .inputs(ins).outputs(outNames).attributes(Attributes.builder().set("direction", direction).build()).build();
    return p;
  }

  private static Node reshape(String from, String to, long[] shape, Plan p) {
    String shapeName = to + "_shape";
    p.constants.put(shapeName, Tensor.vector(shape));
    return Node.builder("Reshape").name(to).inputs(from, shapeName).outputs(to).build();
  }

  /**
   * The last value of the order-keeping single-use chain from {@code v} (v included) whose shape
   * starts with 1, or null.
   */
  static String target(Graph g, String v) {
    String found = startsWithOne(g, v) ? v : null;
    String cur = v;
    while (!isOutput(g, cur) && g.consumers(cur).size() == 1) {
      Node c = g.consumers(cur).get(0);
      if (!c.domain().isEmpty() || !ORDER_KEEPING.contains(c.opType()) || !c.input(0).equals(cur)
          || c.outputs().size() != 1 || staticDims(g, c.output(0)) == null
          || c.opType().equals("Transpose") && !keepsOrder(staticDims(g, cur), c.attributes().ints("perm", null))) {
        break;
      }
      cur = c.output(0);
      if (startsWithOne(g, cur)) {
        found = cur;
      }
    }
    return found;
  }

  /**
   * The nearest value above {@code v} (v included) on a chain of order-keeping nodes whose shape
   * starts with 1, or null.
   */
  static String source(Graph g, String v) {
    String cur = v;
    while (true) {
      if (startsWithOne(g, cur)) {
        return cur;
      }
      Node p = g.producer(cur).orElse(null);
      if (p == null || !p.domain().isEmpty() || !ORDER_KEEPING.contains(p.opType()) || p.outputs().size() != 1
          || p.opType().equals("Transpose") && !keepsOrder(staticDims(g, p.input(0)), p.attributes().ints("perm", null))) {
        return null;
      }
      cur = p.input(0);
    }
  }

  /** Whether the order-keeping chain from {@code v} ends in the X of LSTM/GRU nodes only. */
  static boolean feedsRecurrent(Graph g, String v) {
    String cur = v;
    while (!isOutput(g, cur) && g.consumers(cur).size() == 1 && g.consumers(cur).get(0).domain().isEmpty()
        && ORDER_KEEPING.contains(g.consumers(cur).get(0).opType()) && g.consumers(cur).get(0).input(0).equals(cur)) {
      cur = g.consumers(cur).get(0).output(0);
    }
    String end = cur;
    List<Node> users = g.consumers(end);
    return !isOutput(g, end) && !users.isEmpty() && users.stream().allMatch(u -> u.domain().isEmpty()
        && (u.opType().equals("LSTM") || u.opType().equals("GRU")) && u.input(0).equals(end));
  }

  /** Whether a Transpose leaves the elements in the same order: its non-unit axes stay in order. */
  static boolean keepsOrder(long[] in, long[] perm) {
    if (in == null) {
      return false;
    }
    long[] p = perm;
    if (p == null) {
      p = new long[in.length];
      for (int i = 0; i < p.length; i++) {
        p[i] = in.length - 1 - i;
      }
    }
    long last = -1;
    for (long axis : p) {
      if (in[(int) axis] != 1) {
        if (axis < last) {
          return false;
        }
        last = axis;
      }
    }
    return true;
  }

  private static boolean startsWithOne(Graph g, String v) {
    long[] d = staticDims(g, v);
    return d != null && d.length >= 2 && d.length <= 5 && d[0] == 1;
  }

  private static boolean isOutput(Graph g, String v) {
    return g.outputs().stream().anyMatch(o -> o.name().equals(v));
  }

  private static boolean allZero(Tensor t) {
    for (float f : t.toFloatArray()) {
      if (f != 0f) {
        return false;
      }
    }
    return true;
  }

  private static long[] staticDims(Graph g, String v) {
    return g.info(v).map(ValueInfo::shape).filter(Shape::isStatic).map(Shape::toArray).orElse(null);
  }
}
