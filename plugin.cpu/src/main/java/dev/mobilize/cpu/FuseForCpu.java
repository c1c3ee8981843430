package dev.mobilize.cpu;

import dev.mobilize.ir.Attribute;
import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Prepare-time rewrites for speed, private to the executor (the model handed in is not changed):
 * <ol>
 *   <li>Conv followed by BatchNormalization with constant parameters becomes one Conv:
 *       {@code w' = w * γ/√(σ²+ε)}, {@code b' = (b - μ) * γ/√(σ²+ε) + β}.
 *   <li>Conv followed by Add (the other operand is the residual {@code r}) becomes {@code mobilize.FusedConv}
 *       with {@code r} as a fourth input: {@code y = conv(x) + b + r}, added in the GEMM epilogue.
 *   <li>Conv, ConvTranspose or Gemm followed by Relu, Clip (constant bounds), LeakyRelu, HardSigmoid,
 *       HardSwish, Sigmoid or Tanh becomes {@code mobilize.FusedConv} / {@code mobilize.FusedConvTranspose} /
 *       {@code mobilize.FusedGemm} with that {@link Activation}.
 * </ol>
 * A value is fused away only if nothing else reads it and it is not a graph output. The activation of
 * a FusedConv with a residual applies after the residual: {@code act(conv(x) + b + r)}.
 */
final class FuseForCpu {

  private FuseForCpu() {}

  static Graph apply(Graph g) {
    Map<String, Tensor> consts = new HashMap<>(g.initializers());
    for (Node n : g.nodes()) {
      if (n.opType().equals("Constant") && n.domain().isEmpty() && n.attributes().has("value")) {
        consts.put(n.output(0), n.attributes().tensor("value"));
      }
    }
    Map<String, Integer> uses = new HashMap<>();
    countUses(g, uses);
    g.outputs().forEach(v -> uses.merge(v.name(), 1000, Integer::sum));
    Map<String, Node> producer = new HashMap<>();
    List<Node> nodes = new ArrayList<>(g.nodes());
    Graph.Builder b = g.toBuilder();
    boolean changed = false;
    for (int i = 0; i < nodes.size(); i++) {
      Node n = nodes.get(i);
      if (n == null) {
        continue;
      }
      Node fused = null;
      Node prev = n.inputs().isEmpty() ? null : producer.get(n.input(0));
      boolean single = prev != null && uses.getOrDefault(n.input(0), 0) == 1 && n.domain().isEmpty();
      if (single && n.opType().equals("BatchNormalization") && isPlainConv(prev, consts)) {
        fused = foldBatchNorm(prev, n, consts, b);
      } else if (n.opType().equals("Add") && n.domain().isEmpty() && n.inputs().size() == 2
          && !n.input(0).equals(n.input(1))) {
        for (int side = 0; side < 2 && fused == null; side++) {
          Node conv = producer.get(n.input(side));
          if (uses.getOrDefault(n.input(side), 0) == 1 && acceptsResidual(conv, consts)) {
            prev = conv;
            fused = conv.toBuilder().domain(Node.MOBILIZE_DOMAIN).opType("FusedConv")
                .inputs(conv.input(0), conv.input(1), conv.hasInput(2) ? conv.input(2) : "", n.input(1 - side))
                .outputs(n.output(0)).build();
          }
        }
      } else if (single && (isPlainConv(prev, consts) || prev.opType().equals("Gemm") && prev.domain().isEmpty()
          || prev.opType().equals("ConvTranspose") && prev.domain().isEmpty()
          || (prev.opType().equals("FusedConv") || prev.opType().equals("FusedGemm")
          || prev.opType().equals("FusedConvTranspose"))
          && prev.domain().equals(Node.MOBILIZE_DOMAIN) && !prev.attributes().has("activation"))) {
        Attributes act = activation(n, consts);
        if (act != null) {
          String op = switch (prev.opType()) {
            case "Conv", "FusedConv" -> "FusedConv";
            case "ConvTranspose", "FusedConvTranspose" -> "FusedConvTranspose";
            default -> "FusedGemm";
          };
          Attributes.Builder ab = prev.attributes().toBuilder();
          act.asMap().forEach(ab::set);
          fused = prev.toBuilder().domain(Node.MOBILIZE_DOMAIN).opType(op).outputs(n.output(0))
              .attributes(ab.build()).build();
        }
      }
      if (fused != null) {
        int at = nodes.indexOf(prev);
        nodes.set(at, null);
        nodes.set(i, fused);
        producer.put(fused.output(0), fused);
        changed = true;
        continue;
      }
      for (String o : n.outputs()) {
        producer.put(o, n);
      }
    }
    if (!changed) {
      return g;
    }
    nodes.removeIf(Objects::isNull);
    return b.nodes(nodes).build();
  }

  private static void countUses(Graph g, Map<String, Integer> uses) {
    for (Node n : g.nodes()) {
      for (String in : n.inputs()) {
        if (!in.isEmpty()) {
          uses.merge(in, 1, Integer::sum);
        }
      }
      for (Attribute a : n.attributes().asMap().values()) {
        if (a instanceof Attribute.GraphValue gv) {
          countUses(gv.value(), uses);
          gv.value().outputs().forEach(v -> uses.merge(v.name(), 1000, Integer::sum));
        } else if (a instanceof Attribute.Graphs gs) {
          gs.values().forEach(sub -> countUses(sub, uses));
        }
      }
    }
  }

  /** A Conv, or a FusedConv without activation or residual, that can take a residual input. */
  private static boolean acceptsResidual(Node n, Map<String, Tensor> consts) {
    return isPlainConv(n, consts) || n != null && n.opType().equals("FusedConv")
        && n.domain().equals(Node.MOBILIZE_DOMAIN) && !n.attributes().has("activation") && n.inputs().size() <= 3;
  }

  private static boolean isPlainConv(Node n, Map<String, Tensor> consts) {
    return n != null && n.domain().isEmpty() && n.opType().equals("Conv") && consts.containsKey(n.input(1))
        && (!n.hasInput(2) || consts.containsKey(n.input(2))) && consts.get(n.input(1)).type() == dev.mobilize.ir.DataType.FLOAT;
  }

  private static Node foldBatchNorm(Node conv, Node bn, Map<String, Tensor> consts, Graph.Builder b) {
    for (int i = 1; i <= 4; i++) {
      if (!consts.containsKey(bn.input(i))) {
        return null;
      }
    }
    if (bn.outputs().size() > 1 && bn.outputs().stream().skip(1).anyMatch(o -> !o.isEmpty())
        || bn.attributes().getInt("training_mode", 0) != 0) {
      return null;
    }
    float eps = bn.attributes().getFloat("epsilon", 1e-5f);
    float[] gamma = consts.get(bn.input(1)).toFloatArray();
    float[] beta = consts.get(bn.input(2)).toFloatArray();
    float[] mean = consts.get(bn.input(3)).toFloatArray();
    float[] var = consts.get(bn.input(4)).toFloatArray();
    Tensor wt = consts.get(conv.input(1));
    float[] w = wt.toFloatArray();
    int m = (int) wt.dims()[0];
    if (gamma.length != m) {
      return null;
    }
    float[] bias = conv.hasInput(2) ? consts.get(conv.input(2)).toFloatArray() : new float[m];
    int per = w.length / m;
    float[] w2 = new float[w.length];
    float[] b2 = new float[m];
    for (int o = 0; o < m; o++) {
      double s = gamma[o] / Math.sqrt(var[o] + (double) eps);
      for (int i = 0; i < per; i++) {
        w2[o * per + i] = (float) (w[o * per + i] * s);
      }
      b2[o] = (float) ((bias[o] - mean[o]) * s + beta[o]);
    }
    String wName = bn.output(0) + "::fused_weight";
    String bName = bn.output(0) + "::fused_bias";
    b.initializer(wName, Tensor.ofFloats(wt.dims(), w2));
    b.initializer(bName, Tensor.ofFloats(new long[] {m}, b2));
    consts.put(wName, b.build().initializers().get(wName));
    consts.put(bName, b.build().initializers().get(bName));
    return conv.toBuilder().inputs(conv.input(0), wName, bName).outputs(bn.output(0)).build();
  }

  /** The fused-activation attributes for an activation node, or null if it is not one. */
  static Attributes activation(Node n, Map<String, Tensor> consts) {
    if (!n.domain().isEmpty()) {
      return null;
    }
    Attributes a = n.attributes();
    Attributes.Builder out = Attributes.builder().set("activation", n.opType());
    switch (n.opType()) {
      case "Relu", "HardSwish", "Sigmoid", "Tanh" -> {
        return out.build();
      }
      case "LeakyRelu" -> {
        return out.floats("activation_params", a.getFloat("alpha", 0.01f)).build();
      }
      case "HardSigmoid" -> {
        return out.floats("activation_params", a.getFloat("alpha", 0.2f), a.getFloat("beta", 0.5f)).build();
      }
      case "Clip" -> {
        float lo = Float.NEGATIVE_INFINITY;
        float hi = Float.POSITIVE_INFINITY;
        if (n.hasInput(1)) {
          Tensor t = consts.get(n.input(1));
          if (t == null || t.numElements() != 1) {
            return null;
          }
          lo = t.toFloatArray()[0];
        }
        if (n.hasInput(2)) {
          Tensor t = consts.get(n.input(2));
          if (t == null || t.numElements() != 1) {
            return null;
          }
          hi = t.toFloatArray()[0];
        }
        return out.floats("activation_params", lo, hi).build();
      }
      default -> {
        return null;
      }
    }
  }

  static List<ValueInfo> none() {
    return List.of();
  }
}
