package dev.mobilize.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Runs one {@code mobilize} node {@code op(x, scale) {zero_point}} (QuantizeInt8, DequantizeInt8) on two threads. */
final class ScaleNode {

  private ScaleNode() {}

  static NdArray run(String op, int zero, float scale, DataType in, DataType out, NdArray x) {
    Node node = Node.builder(op).domain(Node.MOBILIZE_DOMAIN).name("n").inputs("x", "s").outputs("y")
        .attributes(Attributes.builder().set("zero_point", (long) zero).build()).build();
    Graph g = Graph.builder("g").input(new ValueInfo("x", in, Shape.of(x.size())))
        .initializer("s", Tensor.scalar(scale)).nodes(List.of(node))
        .output(new ValueInfo("y", out, Shape.UNKNOWN)).build();
    List<Problem> problems = new ArrayList<>();
    Program p = Program.compile(g, 21, Set.of(), Kernels.TABLE, problems);
    assertEquals(List.of(), problems);
    try (Parallel par = new Parallel(2)) {
      return p.run(new NdArray[] {x}, null, new Exec(par))[0];
    }
  }
}
