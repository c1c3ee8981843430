package dev.mobilize.optimize;

import static dev.mobilize.optimize.Pattern.op;

import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import java.util.Optional;

/**
 * Turns {@code MatMul(A, B) + C} into {@code Gemm(A, B, C)} where that is legal: A and B 2-D (Gemm
 * has no batch dims) and the constant C of rank ≤ 2 (Gemm broadcasts C to [M, N] the same way).
 */
final class FuseMatMulAdd extends RewriteRule {

  @Override
  public String description() {
    return "turns 2-D MatMul followed by a constant Add into Gemm";
  }

  @Override
  Pattern pattern() {
    return op("Add").commutative().input(0, op("MatMul").singleUse().as("matmul"));
  }

  @Override
  Optional<Rewrite> rewrite(Match m) {
    Node add = m.root();
    Node mm = m.node("matmul");
    int ra = m.view().shape(mm.input(0)).map(Shape::rank).orElse(-1);
    int rb = m.view().shape(mm.input(1)).map(Shape::rank).orElse(-1);
    if (ra != 2 || rb != 2) {
      return m.reject("A and B are not both known to be 2-D (ranks " + ra + ", " + rb + ")");
    }
    String c = m.swapped("Add") ? add.input(0) : add.input(1);
    Optional<Tensor> ct = m.constant(c);
    if (ct.isEmpty()) {
      return m.reject("the addend is not constant");
    }
    if (ct.get().rank() > 2 || !ct.get().type().isFloatingPoint()) {
      return m.reject("the addend is not a float of rank 2 or less");
    }
    Node gemm = Node.builder("Gemm").name(mm.name()).inputs(mm.input(0), mm.input(1), c).outputs(add.output(0)).build();
    return Optional.of(new Rewrite().remove(add).replace(mm, gemm));
  }
}
