package dev.mobilize.optimize;

import static dev.mobilize.optimize.Pattern.op;

import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import java.util.Arrays;
import java.util.Optional;

/**
 * Replaces Shape and Size of a value whose shape is static by constants, so that PyTorch's
 * {@code Shape → Gather → Concat → Reshape} chains fold (with {@link FoldConstants}) into a static
 * Reshape. Shape's start/end (opset 15+) select a range of dims, negative counting from the end.
 */
final class FoldShapes extends RewriteRule {

  @Override
  public String description() {
    return "replaces Shape/Size of statically shaped values by constants";
  }

  @Override
  Pattern pattern() {
    return op("Shape", "Size");
  }

  @Override
  Optional<Rewrite> rewrite(Match m) {
    Node n = m.root();
    Optional<long[]> dims = m.view().staticShape(n.input(0));
    if (dims.isEmpty()) {
      return m.reject("the input shape is not static");
    }
    if (m.view().isGraphOutput(n.output(0))) {
      return m.reject("its output is a graph output");
    }
    long[] d = dims.get();
    Tensor value;
    if (n.opType().equals("Size")) {
      value = Tensor.ofLongs(new long[0], Shape.numElements(d));
    } else {
      int r = d.length;
      long start = clamp(n.attributes().getInt("start", 0), r);
      long end = clamp(n.attributes().getInt("end", r), r);
      value = Constants.int64s(end > start ? Arrays.copyOfRange(d, (int) start, (int) end) : new long[0]);
    }
    return Optional.of(new Rewrite().remove(n).constant(n.output(0), value));
  }

  private static long clamp(long i, int rank) {
    long v = i < 0 ? i + rank : i;
    return Math.max(0, Math.min(rank, v));
  }
}
