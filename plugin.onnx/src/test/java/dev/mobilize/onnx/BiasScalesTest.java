package dev.mobilize.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.Options;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bias scale of a QDQ conv is written as Mul(x_scale, W_scale) and read back as the constant it was. */
class BiasScalesTest {

  @TempDir
  Path tmp;

  /** x → Q/DQ → Conv(DQ(w), DQ(b)) → y, with bias scale {@code biasScale}. */
  static Graph qdqConv(float[] biasScale) {
    Attributes axis0 = Attributes.builder().set("axis", 0L).build();
    return Graph.builder("g")
        .input(new ValueInfo("x", DataType.FLOAT, Shape.of(1, 2, 3, 3)))
        .output(new ValueInfo("y", DataType.FLOAT, Shape.of(1, 2, 3, 3)))
        .initializer("xs", Tensor.scalar(0.1f))
        .initializer("z", Tensor.of(DataType.INT8, new long[0], new byte[1]))
        .initializer("wq", Tensor.of(DataType.INT8, new long[] {2, 2, 1, 1}, new byte[] {1, -2, 3, 127}))
        .initializer("ws", Tensor.ofFloats(new long[] {2}, 0.013f, 0.007f))
        .initializer("bq", Tensor.ofInts(new long[] {2}, new int[] {100, -7}))
        .initializer("bs", Tensor.ofFloats(new long[] {2}, biasScale))
        .node(Node.builder("QuantizeLinear").name("q").inputs("x", "xs", "z").outputs("xq").build())
        .node(Node.builder("DequantizeLinear").name("dx").inputs("xq", "xs", "z").outputs("xd").build())
        .node(Node.builder("DequantizeLinear").name("dw").inputs("wq", "ws").outputs("wd").attributes(axis0).build())
        .node(Node.builder("DequantizeLinear").name("db").inputs("bq", "bs").outputs("bd").attributes(axis0).build())
        .node(Node.builder("Conv").name("conv").inputs("xd", "wd", "bd").outputs("y").build())
        .build();
  }

  static float[] product() {
    return new float[] {0.1f * 0.013f, 0.1f * 0.007f};
  }

  @Test
  void writesTheExactProductAsMulAndReadsItBack() throws Exception {
    Graph g = qdqConv(product());
    Graph c = BiasScales.compact(g);
    assertTrue(c.initializer("bs").isEmpty(), "the per-channel scale is not stored");
    Node mul = c.producer("bs").orElseThrow();
    assertEquals("Mul", mul.opType());
    assertEquals(List.of("xs", "ws"), mul.inputs());
    assertTrue(c.nodes().indexOf(mul) < c.nodes().indexOf(c.producer("bd").orElseThrow()), "Mul before its reader");
    assertEquals(g, BiasScales.expand(c));

    Path file = tmp.resolve("m.onnx");
    Files.write(file, OnnxExporter.toBytes(Model.of(g, Map.of("", 21L))));
    assertTrue(OnnxImporter.rawGraph(file).producer("bs").isPresent(), "the file has the Mul");
    Graph back = new OnnxImporter().read(file, Options.NONE).graph();
    assertEquals(g.initializer("bs"), back.initializer("bs"), "read back bit for bit");
    assertTrue(back.producer("bs").isEmpty());
  }

  @Test
  void aScaleThatIsNotTheProductStaysStored() {
    float[] s = product();
    s[1] = Math.nextUp(s[1]);
    Graph g = qdqConv(s);
    assertSame(g, BiasScales.compact(g));
  }

  @Test
  void aMulReadByOtherOpsIsNotFolded() {
    Graph c = BiasScales.compact(qdqConv(product()));
    Graph g = c.toBuilder().output(new ValueInfo("t", DataType.FLOAT, Shape.of(2)))
        .node(Node.builder("Relu").name("r").inputs("bs").outputs("t").build()).build();
    assertSame(g, BiasScales.expand(g));
  }
}
