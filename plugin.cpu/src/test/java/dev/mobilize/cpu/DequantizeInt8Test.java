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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code mobilize.DequantizeInt8} against DequantizeLinear's definition, {@code (x - zero_point) * scale} in
 * float32, bit for bit, zero points 0, -128 and 5, every int8 value, on a tensor long enough for the vector
 * loop and its tail.
 */
class DequantizeInt8Test {

  @ParameterizedTest(name = "zero point {0}")
  @ValueSource(ints = {0, -128, 5})
  void matchesDequantizeLinear(int zero) {
    float scale = 0.0371f;
    int n = 40_003;
    byte[] x = new byte[n];
    for (int i = 0; i < n; i++) {
      x[i] = (byte) (i * 37 + i / 256);
    }
    Node node = Node.builder("DequantizeInt8").domain(Node.MOBILIZE_DOMAIN).name("d").inputs("x", "s").outputs("y")
        .attributes(Attributes.builder().set("zero_point", (long) zero).build()).build();
    Graph g = Graph.builder("d").input(new ValueInfo("x", DataType.INT8, Shape.of(n)))
        .initializer("s", Tensor.scalar(scale)).nodes(List.of(node))
        .output(new ValueInfo("y", DataType.FLOAT, Shape.UNKNOWN)).build();
    List<Problem> problems = new ArrayList<>();
    Program p = Program.compile(g, 21, Set.of(), Kernels.TABLE, problems);
    assertEquals(List.of(), problems);
    float[] y;
    try (Parallel par = new Parallel(2)) {
      y = p.run(new NdArray[] {NdArray.ofBytes(new int[] {n}, x)}, null, new Exec(par))[0].f;
    }
    for (int i = 0; i < n; i++) {
      float expected = (float) (x[i] - zero) * scale;
      assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(y[i]), "x = " + x[i] + " at " + i);
    }
  }
}
