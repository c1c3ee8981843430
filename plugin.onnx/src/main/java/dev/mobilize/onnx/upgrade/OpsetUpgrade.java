package dev.mobilize.onnx.upgrade;

import static java.util.Map.entry;

import dev.mobilize.ir.Attribute;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.MobilizeException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Normalises a model read at any supported opset (7 to {@value #CURRENT}) to the semantics of
 * opset {@value #CURRENT}: every old operator form becomes its newest equivalent (Clip bounds and
 * Split/Squeeze/Unsqueeze/Reduce axes become inputs, Upsample becomes Resize, ...), and Constant
 * nodes become initializers. Passes and kernels then handle one form per operator.
 *
 * <p>Softmax, LogSoftmax and Hardmax before opset 13 need the input's rank; they are rewritten by
 * {@link UpgradeSoftmaxAxis} after shape inference.
 */
public final class OpsetUpgrade {

  /** The opset whose semantics the IR uses. */
  public static final long CURRENT = 21;

  /** The oldest default-domain opset that is read. */
  public static final long OLDEST = 7;

  private static final UpgradeReduceAxes REDUCE_13 = new UpgradeReduceAxes(13);
  private static final UpgradeReduceAxes REDUCE_18 = new UpgradeReduceAxes(18);

  /** Every rewrite, by op type. */
  static final Map<String, LegacyForm> RULES = Map.ofEntries(
      entry("Constant", new ConstantToInitializer()),
      entry("Clip", new UpgradeClip()),
      entry("Upsample", new UpgradeUpsample()),
      entry("Resize", new UpgradeResize()),
      entry("Split", new UpgradeSplit()),
      entry("Squeeze", new UpgradeSqueezeAxes()),
      entry("Unsqueeze", new UpgradeSqueezeAxes()),
      entry("ReduceSum", REDUCE_13),
      entry("ReduceMean", REDUCE_18),
      entry("ReduceMax", REDUCE_18),
      entry("ReduceMin", REDUCE_18),
      entry("ReduceProd", REDUCE_18),
      entry("ReduceL1", REDUCE_18),
      entry("ReduceL2", REDUCE_18),
      entry("ReduceLogSum", REDUCE_18),
      entry("ReduceLogSumExp", REDUCE_18),
      entry("ReduceSumSquare", REDUCE_18),
      entry("BatchNormalization", new UpgradeBatchNormalization()),
      entry("Dropout", new UpgradeDropout()),
      entry("Pad", new UpgradePad()),
      entry("Slice", new UpgradeSlice()),
      entry("TopK", new UpgradeTopK()),
      entry("Scan", new RefuseOldForm(9, "Scan before opset 9 has a batch axis; re-export with opset 9 or newer")),
      entry("GroupNormalization", new RefuseOldForm(21,
          "GroupNormalization before opset 21 scales per group, not per channel; re-export with opset 21")));

  private OpsetUpgrade() {}

  /**
   * The model with opset {@value #CURRENT} semantics (except the softmax family, see the class doc).
   *
   * @throws MobilizeException UNSUPPORTED_OP for opsets older than {@value #OLDEST}, or forms that
   *     have no equivalent, naming the node
   */
  public static Model upgrade(Model model) {
    long opset = model.opset();
    if (opset < OLDEST) {
      throw new MobilizeException(ErrorCode.UNSUPPORTED_OP, "the model uses opset " + opset + "; opsets "
          + OLDEST + " and newer are supported. Convert it first, e.g. with onnx.version_converter");
    }
    Graph g = model.graph();
    Set<String> names = new HashSet<>();
    collectNames(g, names);
    Graph upgraded = upgrade(g, opset, names);
    Map<String, Long> opsets = new LinkedHashMap<>(model.opsets());
    opsets.put("", Math.max(opset, CURRENT));
    return model.withGraph(upgraded).withOpsets(opsets);
  }

  private static Graph upgrade(Graph g, long opset, Set<String> names) {
    Set<String> used = new HashSet<>();
    for (Node n : g.nodes()) {
      used.addAll(n.inputs());
    }
    g.outputs().forEach(v -> used.add(v.name()));
    Graph.Builder out = g.toBuilder().nodes(List.of());
    UpgradeContext ctx = new UpgradeContext(g, out, names, used);
    for (Node n : g.nodes()) {
      Node node = upgradeSubgraphs(n, opset, names);
      LegacyForm rule = node.domain().isEmpty() ? RULES.get(node.opType()) : null;
      if (rule != null && rule.applies(node, opset)) {
        try {
          rule.rewrite(node, opset, ctx);
        } catch (MobilizeException e) {
          throw MobilizeException.atNode(node, e.code(), e.detail());
        } catch (IllegalArgumentException e) {
          throw MobilizeException.atNode(node, ErrorCode.INVALID_MODEL, e.getMessage());
        } catch (IndexOutOfBoundsException e) {
          throw MobilizeException.atNode(node, ErrorCode.INVALID_MODEL,
              "has fewer inputs or outputs than " + node.opType() + " needs");
        }
      } else {
        out.node(node);
      }
    }
    return out.build();
  }

  private static Node upgradeSubgraphs(Node n, long opset, Set<String> names) {
    Attribute.GraphValue first = null;
    for (Attribute a : n.attributes().asMap().values()) {
      if (a instanceof Attribute.GraphValue gv) {
        first = gv;
      }
    }
    if (first == null) {
      return n;
    }
    var attrs = n.attributes().toBuilder();
    n.attributes().asMap().forEach((k, a) -> {
      if (a instanceof Attribute.GraphValue gv) {
        attrs.set(k, upgrade(gv.value(), opset, names));
      }
    });
    return n.toBuilder().attributes(attrs.build()).build();
  }

  private static void collectNames(Graph g, Set<String> names) {
    names.addAll(UpgradeContext.namesOf(g));
    g.outputs().stream().map(ValueInfo::name).forEach(names::add);
    for (Node n : g.nodes()) {
      for (Attribute a : n.attributes().asMap().values()) {
        if (a instanceof Attribute.GraphValue gv) {
          collectNames(gv.value(), names);
        }
      }
    }
  }
}
