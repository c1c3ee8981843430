package dev.mobilize.tnn;

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

/**
 * A QDQ graph in the form of docs/QUANTIZATION.md (built by hand): TNN int8 layers are not written
 * yet, so the exporter writes it in float (weights dequantized, activation Q/DQ as identities) and
 * the result stays within the quantization error of the QDQ graph.
 */
class QdqTnnTest {

  @TempDir
  Path dir;

  /** x → Q/DQ → Conv(DQ(W_q), DQ(B_q)) → Relu → Q/DQ → y, per-channel weight scales. */
  static Model qdqConv() {
    int m = 3;
    int c = 2;
    byte[] wq = new byte[m * c * 9];
    for (int i = 0; i < wq.length; i++) {
      wq[i] = (byte) ((i * 37) % 255 - 127);
    }
    float xScale = 0.02f;
    float[] wScale = {0.004f, 0.006f, 0.003f};
    float[] bScale = new float[m];
    for (int i = 0; i < m; i++) {
      bScale[i] = xScale * wScale[i];
    }
    Graph g = Graph.builder("qdq")
        .input(new ValueInfo("x", DataType.FLOAT, Shape.of(1, c, 5, 5)))
        .initializer("x_scale", Tensor.scalar(xScale))
        .initializer("x_zero_point", Tensor.of(DataType.INT8, new long[0], new byte[] {0}))
        .initializer("w_quantized", Tensor.of(DataType.INT8, new long[] {m, c, 3, 3}, wq))
        .initializer("w_scale", Tensor.ofFloats(new long[] {m}, wScale))
        .initializer("w_zero_point", Tensor.of(DataType.INT8, new long[] {m}, new byte[m]))
        .initializer("b_quantized", Tensor.ofInts(new long[] {m}, 100, -250, 40))
        .initializer("b_scale", Tensor.ofFloats(new long[] {m}, bScale))
        .initializer("b_zero_point", Tensor.ofInts(new long[] {m}, 0, 0, 0))
        .initializer("y_scale", Tensor.scalar(0.05f))
        .initializer("y_zero_point", Tensor.of(DataType.INT8, new long[0], new byte[] {0}))
        .node(Node.builder("QuantizeLinear").name("x_q").inputs("x", "x_scale", "x_zero_point").outputs("x_quantized")
            .build())
        .node(Node.builder("DequantizeLinear").name("x_dq").inputs("x_quantized", "x_scale", "x_zero_point")
            .outputs("x_dequantized").build())
        .node(Node.builder("DequantizeLinear").name("w_dq").inputs("w_quantized", "w_scale", "w_zero_point")
            .outputs("w").attributes(Attributes.builder().set("axis", 0L).build()).build())
        .node(Node.builder("DequantizeLinear").name("b_dq").inputs("b_quantized", "b_scale", "b_zero_point")
            .outputs("b").attributes(Attributes.builder().set("axis", 0L).build()).build())
        .node(Node.builder("Conv").name("conv").inputs("x_dequantized", "w", "b").outputs("c")
            .attributes(Attributes.builder().ints("pads", 1, 1, 1, 1).build()).build())
        .node(Node.builder("Relu").name("relu").inputs("c").outputs("r").build())
        .node(Node.builder("QuantizeLinear").name("r_q").inputs("r", "y_scale", "y_zero_point").outputs("r_quantized")
            .build())
        .node(Node.builder("DequantizeLinear").name("r_dq").inputs("r_quantized", "y_scale", "y_zero_point")
            .outputs("y").build())
        .output(ValueInfo.unknown("y"))
        .build();
    return Model.of(g, Map.of("", 21L));
  }

  @Test
  void qdqGraphIsWrittenInFloatWithinTheQuantizationError() throws Exception {
    Model qdq = qdqConv();
    List<Path> files = Tnn.exporter().write(qdq, dir, "qdq", Options.NONE);
    String proto = Files.readString(files.get(0));
    assertTrue(proto.contains("\"Convolution conv ") && !proto.contains("Quantized"), proto);
    float[] x = new float[50];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) Math.sin(i * 0.7) * 2f;
    }
    Map<String, Tensor> in = Map.of("x", Tensor.ofFloats(new long[] {1, 2, 5, 5}, x));
    Tensor expected = Tnn.run(qdq, in).get("y");
    Tensor actual = Tnn.run(Tnn.importer().read(files.get(0), Options.NONE), in).get("y");
    double err = Tnn.relativeError(actual, expected);
    // activations rounded to the int8 grid (x_scale 0.02, y_scale 0.05) against float: a few steps
    assertTrue(err > 0 && err < 0.05, "relative max error " + err);
  }
}
