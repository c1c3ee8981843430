package dev.mobilize.onnx.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.onnx.OnnxImporter;
import dev.mobilize.service.NodeCost;
import dev.mobilize.service.Options;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NodeCostsTest {

  @Test
  void convolutionMacsByHand() {
    // 3x3 conv, 32 -> 64 channels, 56x56 output, with bias: 64*56*56 * 32*3*3 MACs
    Graph g = Graph.builder("g")
        .input(new ValueInfo("x", DataType.FLOAT, Shape.of(1, 32, 56, 56)))
        .initializer("w", Tensor.ofFloats(new long[] {64, 32, 3, 3}, new float[64 * 32 * 9]))
        .initializer("b", Tensor.ofFloats(new long[] {64}, new float[64]))
        .node(Node.builder("Conv").name("conv").inputs("x", "w", "b").outputs("y")
            .attributes(Attributes.builder().ints("pads", 1, 1, 1, 1).build()).build())
        .valueInfo(new ValueInfo("y", DataType.FLOAT, Shape.of(1, 64, 56, 56)))
        .output(new ValueInfo("y", DataType.FLOAT, Shape.of(1, 64, 56, 56)))
        .build();
    NodeCost c = NodeCosts.of(g).get(0);
    long macs = 64L * 56 * 56 * 32 * 9;
    assertEquals(macs, c.macs());
    assertEquals(2 * macs + 64L * 56 * 56, c.flops());
    assertEquals(64 * 32 * 9 + 64, c.params());
    assertEquals(32L * 56 * 56 * 4, c.inputBytes());
    assertEquals(64L * 56 * 56 * 4, c.outputBytes());
  }

  @Test
  void unknownShapesGiveMinusOne() {
    Graph g = Graph.builder("g")
        .input(new ValueInfo("a", DataType.FLOAT, Shape.parse("n,4")))
        .initializer("b", Tensor.ofFloats(new long[] {4, 2}, new float[8]))
        .node(Node.builder("MatMul").inputs("a", "b").outputs("y").build())
        .output(ValueInfo.unknown("y")).build();
    assertEquals(-1, NodeCosts.of(g).get(0).macs());
  }

  /** Published multiply-add counts of the torchvision models at 224x224; ours must be within 5%. */
  @ParameterizedTest
  @CsvSource({"mobilenet_v2, 300e6", "resnet18, 1.8e9", "shufflenet_v2_x1_0, 146e6", "squeezenet1_1, 350e6"})
  void macsAgreeWithPublishedFigures(String model, double published) throws Exception {
    Path file = shared().resolve("models").resolve(model).resolve("model.onnx");
    Model m = new OnnxImporter().read(file, Options.NONE);
    List<NodeCost> costs = NodeCosts.of(m.graph());
    long macs = costs.stream().mapToLong(NodeCost::macs).sum();
    assertTrue(costs.stream().allMatch(c -> c.macs() >= 0), "every node's cost is known");
    double ratio = macs / published;
    assertTrue(Math.abs(ratio - 1) <= 0.05, model + ": " + macs + " MACs vs published " + published);
  }

  private static Path shared() {
    String prop = System.getProperty("mobilize.shared");
    Path p = prop != null ? Path.of(prop) : Path.of("../../shared");
    if (!Files.isDirectory(p.resolve("models"))) {
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError("shared test data missing at " + p.toAbsolutePath());
      }
      org.junit.jupiter.api.Assumptions.assumeTrue(false, "shared test data not found");
    }
    return p;
  }
}
