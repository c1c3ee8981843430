package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.service.GraphPass;
import dev.mobilize.service.PassContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * PyTorch's GroupNorm export (opset below 18) as ncnn.GroupNorm:
 * {@code Reshape(x [1,C,H,W] → [1,G,N]) → InstanceNormalization(scale 1, bias 0) → Reshape(→ x's shape)
 * → Mul(γ[C,1,1]) → Add(β[C,1,1])} becomes {@code GroupNorm(x, γ[C], β[C]) {groups=G, epsilon}}.
 */
@Component(service = GraphPass.class, property = "mobilize.pass=RecognizeGroupNorm")
public final class RecognizeGroupNorm implements GraphPass {

  @Override
  public String name() {
    return "RecognizeGroupNorm";
  }

  @Override
  public String description() {
    return "Reshape/InstanceNormalization/Reshape/Mul/Add group normalization as ncnn.GroupNorm (for ncnn)";
  }

  @Override
  public Set<String> produces() {
    return Set.of("GroupNorm");
  }

  @Override
  public PassResult apply(Model model, PassContext context) {
    Graph g = model.graph();
    int rewrites = 0;
    for (Node add : model.graph().nodes()) {
      Optional<Node[]> m = match(add, g);
      if (m.isEmpty()) {
        continue;
      }
      Node[] p = m.get(); // r1, norm, r2, mul, add, with the GroupNorm node last
      Graph.Builder b = g.toBuilder();
      Node gn = p[5];
      b.initializer(gn.input(1), constant(g, p[3]).orElseThrow().reshaped());
      b.initializer(gn.input(2), constant(g, p[4]).orElseThrow().reshaped());
      List<Node> nodes = new ArrayList<>();
      for (Node n : g.nodes()) {
        if (n == add) {
          nodes.add(gn);
        } else if (!Arrays.asList(p).subList(0, 4).contains(n)) {
          nodes.add(n);
        }
      }
      g = b.nodes(nodes).build();
      rewrites++;
    }
    return new PassResult(rewrites == 0 ? model : model.withGraph(GraphEdits.removeDead(g)), rewrites);
  }

  /** A constant operand of a binary node, with the index of the other operand. */
  private record Operand(Tensor value, int other) {
    Tensor reshaped() {
      return Tensor.ofFloats(new long[] {value.numElements()}, value.toFloatArray());
    }
  }

  private static Optional<Operand> constant(Graph g, Node binary) {
    for (int i = 0; i < 2; i++) {
      Optional<Tensor> t = g.initializer(binary.input(i));
      if (t.isPresent()) {
        return Optional.of(new Operand(t.get(), 1 - i));
      }
    }
    return Optional.empty();
  }

  static Optional<Node[]> match(Node add, Graph g) {
    if (!add.opType().equals("Add") || !add.domain().isEmpty()) {
      return Optional.empty();
    }
    Optional<Operand> beta = constant(g, add);
    Node mul = beta.flatMap(b -> single(g, add.input(b.other()), "Mul")).orElse(null);
    Optional<Operand> gamma = mul == null ? Optional.empty() : constant(g, mul);
    Node r2 = gamma.flatMap(c -> single(g, mul.input(c.other()), "Reshape")).orElse(null);
    Node norm = r2 == null ? null : single(g, r2.input(0), "InstanceNormalization").orElse(null);
    Node r1 = norm == null ? null : single(g, norm.input(0), "Reshape").orElse(null);
    if (r1 == null) {
      return Optional.empty();
    }
    long[] x = dims(g, r1.input(0));
    long[] mid = dims(g, r1.output(0));
    long[] y = dims(g, r2.output(0));
    if (x == null || mid == null || y == null || x.length != 4 || mid.length != 3 || !Arrays.equals(x, y)
        || x[0] != 1 || mid[1] <= 0 || x[1] % mid[1] != 0) {
      return Optional.empty();
    }
    long c = x[1];
    if (beta.get().value().numElements() != c || gamma.get().value().numElements() != c
        || !filled(g, norm.input(1), 1f) || !filled(g, norm.input(2), 0f)) {
      return Optional.empty();
    }
    Node gn = Node.builder("GroupNorm").domain(RecognizeShuffleChannel.NCNN_DOMAIN).name(add.name())
        .inputs(r1.input(0), add.output(0) + "_gamma", add.output(0) + "_beta").outputs(add.output(0))
        .attributes(Attributes.builder().set("groups", mid[1])
            .set("epsilon", norm.attributes().getFloat("epsilon", 1e-5f)).build()).build();
    return Optional.of(new Node[] {r1, norm, r2, mul, add, gn});
  }

  /** The producer of {@code v} when it has type {@code op} and {@code v} has no other reader. */
  private static Optional<Node> single(Graph g, String v, String op) {
    return g.producer(v).filter(n -> n.opType().equals(op) && n.domain().isEmpty() && g.consumers(v).size() == 1
        && g.outputs().stream().noneMatch(o -> o.name().equals(v)));
  }

  private static boolean filled(Graph g, String v, float value) {
    return g.initializer(v).map(t -> {
      for (float f : t.toFloatArray()) {
        if (f != value) {
          return false;
        }
      }
      return true;
    }).orElse(false);
  }

  private static long[] dims(Graph g, String v) {
    return g.info(v).map(i -> i.shape()).filter(Shape::isStatic).map(Shape::toArray).orElse(null);
  }
}
