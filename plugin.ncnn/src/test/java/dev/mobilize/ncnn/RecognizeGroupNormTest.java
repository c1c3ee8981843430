package dev.mobilize.ncnn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Tensor;
import dev.mobilize.service.GraphPass;
import dev.mobilize.service.Options;
import dev.mobilize.service.PassContext;
import org.junit.jupiter.api.Test;

/** The GroupNorm pattern becomes one ncnn.GroupNorm node; an instance norm with its own scale stays as it is. */
class RecognizeGroupNormTest {

  private static final PassContext CTX = PassContext.of(Options.NONE, "ncnn");

  @Test
  void thePatternIsOneGroupNorm() {
    Model m = Ncnn.INSPECTOR.inferShapes(NcnnLayersRoundTripTest.groupNorm());
    GraphPass.PassResult r = new RecognizeGroupNorm().apply(m, CTX);
    Graph g = r.model().graph();
    assertEquals(1, r.rewrites());
    assertEquals(1, g.nodes().size(), g.toString());
    assertEquals("GroupNorm", g.nodes().get(0).opType());
    assertEquals(2L, g.nodes().get(0).attributes().getInt("groups"));
    assertEquals(4, g.initializer(g.nodes().get(0).input(1)).orElseThrow().numElements());
  }

  @Test
  void anInstanceNormWithItsOwnScaleIsNotAGroupNorm() {
    Model m = NcnnLayersRoundTripTest.groupNorm();
    Model scaled = Ncnn.INSPECTOR.inferShapes(m.withGraph(m.graph().toBuilder()
        .initializer("ones", Tensor.ofFloats(new long[] {2}, 1f, 2f)).build()));
    assertEquals(0, new RecognizeGroupNorm().apply(scaled, CTX).rewrites());
  }
}
