package dev.mobilize.ir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Set;
import org.junit.jupiter.api.Test;

class FusedOpsTest {

  @Test
  void aFusedConvWithoutItsActivationIsTheOnnxConv() {
    Node fused = Node.builder(FusedOps.FUSED_CONV).domain(Node.MOBILIZE_DOMAIN).name("c").inputs("x", "w").outputs("y")
        .attributes(Attributes.builder().ints("pads", 1, 1, 1, 1).set(FusedOps.ACTIVATION, "Clip")
            .floats(FusedOps.ACTIVATION_PARAMS, 0f, 6f).build())
        .build();
    Node plain = FusedOps.withoutActivation(fused);
    assertEquals("Conv", plain.opType());
    assertEquals("", plain.domain());
    assertEquals(Set.of("pads"), plain.attributes().names());
    assertArrayEquals(new long[] {1, 1, 1, 1}, plain.attributes().ints("pads"));
    assertEquals(fused.inputs(), plain.inputs());
    assertEquals(fused.outputs(), plain.outputs());
  }

  @Test
  void otherNodesAreReturnedUnchanged() {
    Node relu = Node.builder("Relu").inputs("x").outputs("y").build();
    assertSame(relu, FusedOps.withoutActivation(relu));
  }
}
