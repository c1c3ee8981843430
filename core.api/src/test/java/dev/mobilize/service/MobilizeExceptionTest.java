package dev.mobilize.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.mobilize.ir.Node;
import java.util.List;
import org.junit.jupiter.api.Test;

class MobilizeExceptionTest {

  private final Node conv = Node.builder("Conv").name("conv_3").inputs("x", "W").outputs("y").build();

  @Test
  void messageNamesFileNodeAndDetailInOneLine() {
    MobilizeException e = MobilizeException.atNode(conv, ErrorCode.UNSUPPORTED_OP,
        "input 'W' has dtype INT64, expected FLOAT. Re-export with float weights.").inFile("mobilenet.onnx");
    assertEquals("mobilenet.onnx: node 'conv_3' (Conv): input 'W' has dtype INT64, expected FLOAT. "
        + "Re-export with float weights.", e.getMessage());
    assertEquals(ErrorCode.UNSUPPORTED_OP, e.code());
    assertEquals("mobilenet.onnx", e.file());
  }

  @Test
  void inFileKeepsAFileAlreadySet() {
    MobilizeException e = new MobilizeException(ErrorCode.INVALID_MODEL, "truncated").inFile("a.onnx");
    assertSame(e, e.inFile("b.onnx"));
  }

  @Test
  void listsAllProblems() {
    MobilizeException e = MobilizeException.ofProblems("2 nodes cannot be exported to ncnn:", List.of(
        Problem.at(conv, ErrorCode.UNSUPPORTED_OP, "dilation 3 is not supported"),
        new Problem(ErrorCode.UNSUPPORTED_OP, "'grid' (GridSample)", "ncnn has no GridSample layer")));
    assertEquals("""
        2 nodes cannot be exported to ncnn:
          - node 'conv_3' (Conv): dilation 3 is not supported
          - node 'grid' (GridSample): ncnn has no GridSample layer""", e.getMessage());
    assertEquals(2, e.problems().size());
  }
}
