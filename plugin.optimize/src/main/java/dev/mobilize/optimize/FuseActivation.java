package dev.mobilize.optimize;

import static dev.mobilize.optimize.Pattern.op;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.FusedOps;
import dev.mobilize.ir.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Fuses a linear node (Conv, Gemm) with the activation that reads it into the {@code mobilize}
 * fused operator of {@link FusedOps}: {@code act(linear(x))}. Activations: Relu, Clip (constant
 * bounds; Relu6 is [0, 6]), LeakyRelu, Sigmoid, HardSigmoid, HardSwish, Tanh, Mish, Elu, and Swish
 * written as {@code y · Sigmoid(y)}.
 */
abstract class FuseActivation extends RewriteRule {

  private final String linearOp;
  private final String fusedOp;

  FuseActivation(String linearOp, String fusedOp) {
    this.linearOp = linearOp;
    this.fusedOp = fusedOp;
  }

  @Override
  public Set<String> produces() {
    return Set.of(fusedOp);
  }

  @Override
  Pattern pattern() {
    return op("Relu", "Clip", "LeakyRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Mish", "Elu", "Mul");
  }

  @Override
  Optional<Rewrite> rewrite(Match m) {
    Node act = m.root();
    GraphView v = m.view();
    if (act.opType().equals("Mul")) {
      return swish(m, act, v);
    }
    Optional<Node> linear = Operands.producer(v, act.input(0), linearOp);
    if (linear.isEmpty()) {
      return m.reject("the input is not produced by " + linearOp);
    }
    if (v.uses(act.input(0)) != 1) {
      return m.reject("the " + linearOp + " output is read elsewhere");
    }
    Attributes a = act.attributes();
    List<Float> params = new ArrayList<>();
    switch (act.opType()) {
      case "Clip" -> {
        Optional<Float> lo = act.hasInput(1) ? v.scalar(act.input(1)) : Optional.of(Float.NEGATIVE_INFINITY);
        Optional<Float> hi = act.hasInput(2) ? v.scalar(act.input(2)) : Optional.of(Float.POSITIVE_INFINITY);
        if (lo.isEmpty() || hi.isEmpty()) {
          return m.reject("the Clip bounds are not constant scalars");
        }
        params.add(lo.get());
        params.add(hi.get());
      }
      case "LeakyRelu" -> params.add(a.getFloat("alpha", 0.01f));
      case "HardSigmoid" -> {
        params.add(a.getFloat("alpha", 0.2f));
        params.add(a.getFloat("beta", 0.5f));
      }
      case "Elu" -> params.add(a.getFloat("alpha", 1f));
      default -> { }
    }
    return Optional.of(fuse(linear.get(), act, act.opType(), params, List.of()));
  }

  /** {@code y · Sigmoid(y)} with y read only by these two nodes. */
  private Optional<Rewrite> swish(Match m, Node mul, GraphView v) {
    for (int i = 0; i < 2 && mul.inputs().size() == 2; i++) {
      String y = mul.input(i);
      Optional<Node> sig = Operands.producer(v, mul.input(1 - i), "Sigmoid").filter(s -> s.input(0).equals(y));
      Optional<Node> linear = Operands.producer(v, y, linearOp);
      if (sig.isPresent() && linear.isPresent()) {
        if (v.uses(y) != 2 || v.uses(sig.get().output(0)) != 1) {
          return m.reject("the " + linearOp + " output or the Sigmoid is read elsewhere");
        }
        return Optional.of(fuse(linear.get(), mul, "Swish", List.of(), List.of(sig.get())));
      }
    }
    return m.reject("not " + linearOp + " output times its Sigmoid");
  }

  private Rewrite fuse(Node linear, Node act, String activation, List<Float> params, List<Node> absorbed) {
    Attributes.Builder ab = linear.attributes().toBuilder().set(FusedOps.ACTIVATION, activation);
    if (!params.isEmpty()) {
      float[] p = new float[params.size()];
      for (int i = 0; i < p.length; i++) {
        p[i] = params.get(i);
      }
      ab.floats(FusedOps.ACTIVATION_PARAMS, p);
    }
    Node fused = linear.toBuilder().domain(Node.MOBILIZE_DOMAIN).opType(fusedOp).outputs(act.output(0))
        .attributes(ab.build()).build();
    Rewrite r = new Rewrite().remove(act).replace(linear, fused);
    absorbed.forEach(r::remove);
    return r;
  }
}
