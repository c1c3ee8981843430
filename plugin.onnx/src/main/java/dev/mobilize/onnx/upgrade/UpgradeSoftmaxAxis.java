package dev.mobilize.onnx.upgrade;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.ValueInfo;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Softmax, LogSoftmax and Hardmax before opset 13 flatten the input to 2-D at {@code axis}
 * (default 1) and normalise over the second dimension; since 13 they normalise over one axis. When
 * the input's rank is known and the axis is the last one, both mean the same: the node keeps its
 * type with {@code axis=-1}. Otherwise it becomes {@code Reshape(op(Flatten(x, axis), -1), Shape(x))}.
 *
 * <p>Runs after shape inference (which needs only the output shape, the same in both semantics).
 */
public final class UpgradeSoftmaxAxis {

  private static final Set<String> OPS = Set.of("Softmax", "LogSoftmax", "Hardmax");

  private UpgradeSoftmaxAxis() {}

  /**
   * Rewrites the softmax family of a model whose {@code originalOpset} is below 13; returns the
   * model unchanged otherwise.
   */
  public static Model upgrade(Model model, long originalOpset) {
    if (originalOpset >= 13) {
      return model;
    }
    return model.withGraph(upgrade(model.graph()));
  }

  private static Graph upgrade(Graph g) {
    Set<String> names = UpgradeContext.namesOf(g);
    Graph.Builder out = g.toBuilder().nodes(java.util.List.of());
    UpgradeContext ctx = new UpgradeContext(g, out, names, new HashSet<>());
    boolean changed = false;
    for (Node n : g.nodes()) {
      if (!n.domain().isEmpty() || !OPS.contains(n.opType())) {
        out.node(n);
        continue;
      }
      changed = true;
      long axis = n.attributes().getInt("axis", 1);
      Optional<Integer> rank = g.info(n.input(0)).map(ValueInfo::shape).filter(Shape::hasRank).map(Shape::rank);
      Attributes last = Attributes.builder().set("axis", -1L).build();
      if (rank.isPresent() && (axis == rank.get() - 1 || axis == -1)) {
        out.node(n.toBuilder().attributes(last).build());
        continue;
      }
      String x = n.input(0);
      String flat = ctx.fresh(n.output(0) + "_2d");
      String normed = ctx.fresh(n.output(0) + "_2d_out");
      String shape = ctx.fresh(n.output(0) + "_shape");
      out.node(Node.builder("Flatten").name(n.name() + "_flatten").inputs(x).outputs(flat)
          .attributes(Attributes.builder().set("axis", axis).build()).build());
      out.node(n.toBuilder().inputs(flat).outputs(normed).attributes(last).build());
      out.node(Node.builder("Shape").name(n.name() + "_shape").inputs(x).outputs(shape).build());
      out.node(Node.builder("Reshape").name(n.name() + "_reshape").inputs(normed, shape).outputs(n.output(0)).build());
      out.valueInfo(new ValueInfo(shape, DataType.INT64, rank.map(r -> Shape.of(r)).orElse(Shape.UNKNOWN)));
    }
    return changed ? out.build() : g;
  }
}
