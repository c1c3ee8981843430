package dev.mobilize.ncnn;

import static dev.mobilize.ncnn.NcnnLayersRoundTripTest.ramp;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.Options;
import dev.mobilize.service.Problem;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LowerRecurrentTest {

  @Test
  void transposesKeepTheOrderOnlyWhenTheirNonUnitAxesStayInOrder() {
    assertTrue(LowerRecurrent.keepsOrder(new long[] {6, 1, 4}, new long[] {1, 0, 2}));
    assertTrue(LowerRecurrent.keepsOrder(new long[] {6, 2, 1, 4}, new long[] {0, 2, 1, 3}));
    assertFalse(LowerRecurrent.keepsOrder(new long[] {6, 2, 1, 4}, new long[] {1, 0, 2, 3}));
    assertFalse(LowerRecurrent.keepsOrder(new long[] {6, 1, 4}, null));
  }

  /** PyTorch without batch_first: X is the graph input [T, 1, I], which no ncnn blob can hold. */
  @Test
  void sequenceFirstGraphInputIsReportedWithTheReason() {
    Graph g = Graph.builder("rnn")
        .input(new ValueInfo("x", DataType.FLOAT, Shape.of(6, 1, 3)))
        .initializer("W", ramp(new long[] {1, 16, 3}, 0.6f))
        .initializer("R", ramp(new long[] {1, 16, 4}, 0.45f))
        .node(Node.builder("LSTM").name("rnn").inputs("x", "W", "R").outputs("Y")
            .attributes(Attributes.builder().set("hidden_size", 4L).build()).build())
        .output(new ValueInfo("Y", DataType.FLOAT, Shape.of(6, 1, 1, 4)))
        .build();
    List<Problem> problems = Ncnn.exporter().check(Model.of(g, Map.of("", 21L)), Options.of(Map.of(
        "input-shape", "x:6,1,3")));
    assertTrue(problems.stream().anyMatch(p -> p.toString().contains("'rnn' (LSTM): X 'x' is [6,1,3]")
        && p.toString().contains("batch_first")), problems.toString());
  }

  /** A bidirectional Y_h [2, 1, H] read as such has no batch-1 form for ncnn. */
  @Test
  void bidirectionalStateOutputIsReported() {
    Model m = NcnnRecurrentRoundTripTest.pytorch("GRU", "bidirectional", NcnnRecurrentRoundTripTest.lbr(), false,
        false);
    Graph g = m.graph().toBuilder().output(new ValueInfo("Y_h", DataType.FLOAT, Shape.of(2, 1, 4))).build();
    List<Problem> problems = Ncnn.exporter().check(m.withGraph(g), Options.NONE);
    assertTrue(problems.stream().anyMatch(p -> p.toString().contains("output 'Y_h' is [2,1,4]")),
        problems.toString());
  }
}
