package dev.mobilize.optimize;

import static dev.mobilize.optimize.Pattern.op;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import java.util.Arrays;
import java.util.Optional;

/**
 * Recognises layer normalisation built from reductions,
 * {@code d = x − mean(x); y = d / √(mean(d²) + ε)} over the trailing axes, as
 * {@code LayerNormalization(x, 1, 0) {axis, epsilon}} (opset 17); a following Mul and Add by
 * constants stay as they are (γ and β).
 */
final class RecognizeLayerNormalization extends RewriteRule {

  @Override
  public String description() {
    return "recognises ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div as LayerNormalization";
  }

  @Override
  int minOpset() {
    return 17;
  }

  @Override
  Pattern pattern() {
    return op("Div").input(0, op("Sub").as("sub").input(1, op("ReduceMean").singleUse().as("mean")))
        .input(1, op("Sqrt").singleUse().as("sqrt").input(0, op("Add").commutative().singleUse().as("add")
            .input(0, op("ReduceMean").singleUse().as("var").input(0, op("Pow", "Mul").singleUse().as("pow")))));
  }

  @Override
  Optional<Rewrite> rewrite(Match m) {
    Node div = m.root();
    Node sub = m.node("sub");
    Node mean = m.node("mean");
    Node add = m.node("add");
    Node var = m.node("var");
    Node pow = m.node("pow");
    String x = sub.input(0);
    String d = sub.output(0);
    if (!mean.input(0).equals(x)) {
      return m.reject("the mean is not of the value it is subtracted from");
    }
    boolean square = pow.opType().equals("Pow")
        ? pow.input(0).equals(d) && m.view().scalar(pow.input(1)).filter(e -> e == 2f).isPresent()
        : pow.input(0).equals(d) && pow.input(1).equals(d);
    if (!square) {
      return m.reject("the variance is not the mean of (x − mean)²");
    }
    int expectedUses = pow.opType().equals("Pow") ? 2 : 3;
    if (m.view().uses(d) != expectedUses) {
      return m.reject("x − mean is read elsewhere");
    }
    Optional<Float> eps = m.view().scalar(m.swapped("Add") ? add.input(0) : add.input(1));
    if (eps.isEmpty()) {
      return m.reject("epsilon is not a constant scalar");
    }
    Optional<long[]> shape = m.view().staticShape(x);
    if (shape.isEmpty()) {
      return m.reject("the input shape is not static");
    }
    int rank = shape.get().length;
    Optional<long[]> a1 = axes(m, mean, rank);
    Optional<long[]> a2 = axes(m, var, rank);
    if (a1.isEmpty() || a2.isEmpty() || !Arrays.equals(a1.get(), a2.get())) {
      return m.reject("the two means are not over the same constant axes");
    }
    long[] axes = a1.get();
    for (int i = 0; i < axes.length; i++) {
      if (axes[i] != rank - axes.length + i) {
        return m.reject("the axes " + Arrays.toString(axes) + " are not the trailing dims");
      }
    }
    if (mean.attributes().getInt("keepdims", 1) == 0 || var.attributes().getInt("keepdims", 1) == 0) {
      return m.reject("a mean drops the reduced dims");
    }
    int axis = rank - axes.length;
    long[] normDims = Arrays.copyOfRange(shape.get(), axis, rank);
    int count = (int) dev.mobilize.ir.Shape.numElements(normDims);
    float[] ones = new float[count];
    Arrays.fill(ones, 1f);
    String base = div.name().isEmpty() ? div.output(0) : div.name();
    String scale = m.view().freshName(base + "_scale");
    String bias = m.view().freshName(base + "_bias");
    Node ln = Node.builder("LayerNormalization").name(div.name()).inputs(x, scale, bias).outputs(div.output(0))
        .attributes(Attributes.builder().set("axis", (long) axis).set("epsilon", eps.get()).build()).build();
    return Optional.of(new Rewrite().constant(scale, Tensor.ofFloats(normDims, ones))
        .constant(bias, Tensor.ofFloats(normDims, new float[count]))
        .remove(sub, mean, pow, var, add, m.node("sqrt")).replace(div, ln));
  }

  private static Optional<long[]> axes(Match m, Node reduce, int rank) {
    long[] a = reduce.attributes().ints("axes", null);
    if (a == null && reduce.hasInput(1)) {
      a = m.constant(reduce.input(1)).map(Tensor::toLongArray).orElse(null);
    }
    if (a == null) {
      return Optional.empty();
    }
    return Optional.of(Arrays.stream(a).map(v -> v < 0 ? v + rank : v).sorted().toArray());
  }
}
