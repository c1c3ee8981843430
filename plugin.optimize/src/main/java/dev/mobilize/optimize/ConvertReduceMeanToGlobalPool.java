package dev.mobilize.optimize;

import static dev.mobilize.optimize.Pattern.op;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import java.util.Arrays;
import java.util.Optional;

/**
 * Replaces ReduceMean over the spatial dims H, W of a 4-D tensor by GlobalAveragePool (followed by
 * Flatten when keepdims=0: {@code [N, C, 1, 1] → [N, C]}). Axes are an input from opset 18.
 */
final class ConvertReduceMeanToGlobalPool extends RewriteRule {

  @Override
  public String description() {
    return "replaces ReduceMean over H,W by GlobalAveragePool";
  }

  @Override
  Pattern pattern() {
    return op("ReduceMean");
  }

  @Override
  Optional<Rewrite> rewrite(Match m) {
    Node n = m.root();
    int rank = m.view().shape(n.input(0)).map(Shape::rank).orElse(-1);
    if (rank != 4) {
      return m.reject("the input is not known to be 4-D");
    }
    long[] axes = n.attributes().ints("axes", null);
    if (axes == null && n.hasInput(1)) {
      axes = m.constant(n.input(1)).map(t -> t.toLongArray()).orElse(null);
      if (axes == null) {
        return m.reject("the axes are not constant");
      }
    }
    if (axes == null) {
      return m.reject("it reduces over all dims");
    }
    long[] norm = Arrays.stream(axes).map(a -> a < 0 ? a + rank : a).sorted().toArray();
    if (!Arrays.equals(norm, new long[] {2, 3})) {
      return m.reject("it reduces over axes " + Arrays.toString(axes) + ", not H and W");
    }
    boolean keep = n.attributes().getInt("keepdims", 1) != 0;
    if (keep) {
      Node gap = Node.builder("GlobalAveragePool").name(n.name()).inputs(n.input(0)).outputs(n.output(0)).build();
      return Optional.of(new Rewrite().replace(n, gap));
    }
    String pooled = m.view().freshName(n.output(0) + "_pooled");
    Node gap = Node.builder("GlobalAveragePool").name(n.name()).inputs(n.input(0)).outputs(pooled).build();
    Node flat = Node.builder("Flatten").name(m.view().freshName(n.name() + "_flatten")).inputs(pooled)
        .outputs(n.output(0)).attributes(Attributes.builder().set("axis", 1L).build()).build();
    return Optional.of(new Rewrite().replace(n, gap, flat));
  }
}
