package dev.mobilize.ncnn;

import dev.mobilize.ir.Attribute;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.GraphExecutor;
import dev.mobilize.service.GraphPass;
import dev.mobilize.service.MobilizeException;
import dev.mobilize.service.Options;
import dev.mobilize.service.PassContext;
import dev.mobilize.service.PreparedModel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;

/**
 * Turns shape computations into constants, for ncnn, which has no Shape operator: Constant nodes
 * become initializers, {@code Shape} of a value with a static shape becomes its dims, and every
 * node whose inputs are then all constant is evaluated by the CPU executor (the same kernels, no
 * second copy of their semantics). PyTorch's {@code Shape → Gather → Concat → Reshape} chains end
 * as a Reshape with a constant shape. Needs inferred shapes; runs only on the way to ncnn.
 */
@Component(service = GraphPass.class, property = "mobilize.pass=FoldShapeSubgraphs")
public final class FoldShapeSubgraphs implements GraphPass {

  private final GraphExecutor executor;

  /** @param executor the CPU executor, or null when none is installed (then only Shape and Constant fold) */
  @Activate
  public FoldShapeSubgraphs(
      @Reference(cardinality = ReferenceCardinality.OPTIONAL, target = "(mobilize.executor=cpu)") GraphExecutor executor) {
    this.executor = executor;
  }

  @Override
  public String name() {
    return "FoldShapeSubgraphs";
  }

  @Override
  public String description() {
    return "evaluate Constant, Shape of static values and everything computed only from constants (for ncnn)";
  }

  @Override
  public PassResult apply(Model model, PassContext context) {
    Graph g = model.graph();
    Map<String, Tensor> constants = new LinkedHashMap<>(g.initializers());
    List<Node> kept = new ArrayList<>();
    List<Node> fold = new ArrayList<>();
    Set<String> pending = new HashSet<>();
    int rewrites = 0;
    for (Node n : g.nodes()) {
      Tensor direct = direct(n, g);
      if (direct != null) {
        constants.put(n.output(0), direct);
        rewrites++;
        continue;
      }
      boolean allConstant = !n.inputs().isEmpty() && n.domain().isEmpty() && n.outputs().size() >= 1
          && !n.opType().startsWith("Random");
      for (String in : n.inputs()) {
        allConstant &= in.isEmpty() || constants.containsKey(in) || pending.contains(in);
      }
      if (allConstant) {
        fold.add(n);
        pending.addAll(n.outputs());
      } else {
        kept.add(n);
      }
    }
    if (!fold.isEmpty()) {
      if (executor == null) {
        throw new MobilizeException(ErrorCode.UNSUPPORTED_OP, "node " + fold.get(0).describe()
            + " computes a constant that ncnn cannot compute; install plugin.cpu so that it can be folded");
      }
      constants.putAll(evaluate(fold, constants, g));
      rewrites += fold.size();
    }
    if (rewrites == 0) {
      return new PassResult(model, 0);
    }
    Graph out = g.toBuilder().nodes(kept).initializers(constants).build();
    return new PassResult(model.withGraph(GraphEdits.removeDead(out)), rewrites);
  }

  /** The value of a Constant node, or of Shape/Size of a static value; null for other nodes. */
  private static Tensor direct(Node n, Graph g) {
    if (!n.domain().isEmpty()) {
      return null;
    }
    switch (n.opType()) {
      case "Constant" -> {
        Map<String, Attribute> a = n.attributes().asMap();
        if (a.containsKey("value")) {
          return n.attributes().tensor("value");
        } else if (a.containsKey("value_float")) {
          return Tensor.ofFloats(new long[0], n.attributes().getFloat("value_float"));
        } else if (a.containsKey("value_floats")) {
          float[] v = n.attributes().floats("value_floats");
          return Tensor.ofFloats(new long[] {v.length}, v);
        } else if (a.containsKey("value_int")) {
          return Tensor.ofLongs(new long[0], n.attributes().getInt("value_int"));
        } else if (a.containsKey("value_ints")) {
          return Tensor.vector(n.attributes().ints("value_ints"));
        }
        return null;
      }
      case "Shape" -> {
        Shape s = g.info(n.input(0)).map(ValueInfo::shape).orElse(Shape.UNKNOWN);
        if (!s.isStatic()) {
          return null;
        }
        long[] d = s.toArray();
        int r = d.length;
        long start = n.attributes().getInt("start", 0);
        long end = n.attributes().getInt("end", r);
        start = Math.min(Math.max(start < 0 ? start + r : start, 0), r);
        end = Math.min(Math.max(end < 0 ? end + r : end, 0), r);
        return Tensor.vector(java.util.Arrays.copyOfRange(d, (int) start, (int) Math.max(start, end)));
      }
      case "Size" -> {
        Shape s = g.info(n.input(0)).map(ValueInfo::shape).orElse(Shape.UNKNOWN);
        return s.isStatic() ? Tensor.ofLongs(new long[0], s.numElements()) : null;
      }
      default -> {
        return null;
      }
    }
  }

  /** Runs the folded nodes once on the executor and returns their outputs. */
  private Map<String, Tensor> evaluate(List<Node> fold, Map<String, Tensor> constants, Graph g) {
    Graph.Builder b = Graph.builder("fold");
    Set<String> read = new HashSet<>();
    List<ValueInfo> outs = new ArrayList<>();
    for (Node n : fold) {
      b.node(n);
      read.addAll(n.inputs());
      for (String o : n.outputs()) {
        if (!o.isEmpty()) {
          ValueInfo vi = g.info(o).orElse(ValueInfo.unknown(o));
          outs.add(vi);
          b.valueInfo(vi);
        }
      }
    }
    for (String r : read) {
      if (constants.containsKey(r)) {
        b.initializer(r, constants.get(r));
      }
    }
    b.outputs(outs);
    Model m = Model.of(b.build(), Map.of("", 21L));
    try (PreparedModel p = executor.prepare(m, Options.NONE)) {
      return p.run(Map.of());
    }
  }

  static boolean isFloat(DataType t) {
    return t.isFloatingPoint();
  }
}
