package dev.mobilize.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mobilize.ir.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Int8VerificationTest {

  private static final long[] DIMS = {1, 4};
  private static final Map<String, Tensor> FLOAT = Map.of("y", Tensor.ofFloats(DIMS, 1f, 2f, 3f, 4f));
  private static final Map<String, Tensor> QDQ = Map.of("y", Tensor.ofFloats(DIMS, 1.1f, 2f, 3f, 3.8f));

  @Test
  void aFileAsCloseToFloatAsTheQdqModelIsAccepted() {
    Map<String, Tensor> file = Map.of("y", Tensor.ofFloats(DIMS, 0.8f, 2.1f, 3f, 4.1f));
    ConvertReport r = report(file);
    assertFalse(r.failed(), r.toText());
    assertTrue(r.toText().contains("BEYOND TOLERANCE"), r.toText());
    assertTrue(r.toText().contains("(as accurate: accepted)"), r.toText());
  }

  @Test
  void aFileFurtherFromFloatFails() {
    Map<String, Tensor> file = Map.of("y", Tensor.ofFloats(DIMS, 4f, 3f, 2f, 1f));
    ConvertReport r = report(file);
    assertTrue(r.failed());
    assertTrue(r.toText().contains("FAILED: the int8 file is less accurate than the quantized model"), r.toText());
  }

  @Test
  void accuracyComparesBothToFloat() {
    List<Verification.Int8Accuracy> a = Verification.int8Accuracy(FLOAT, QDQ, FLOAT);
    assertEquals(1.0, a.get(0).fileCosine(), 1e-9);
    assertTrue(a.get(0).quantizedCosine() < 1.0);
    assertTrue(a.get(0).holds());
  }

  private static ConvertReport report(Map<String, Tensor> file) {
    ConvertReport r = new ConvertReport(Path.of("m.onnx"), "ncnn", 3, ConvertCommand.INT8_TOLERANCE);
    r.verified(Verification.compare(QDQ, file));
    r.int8Accuracy(Verification.int8Accuracy(FLOAT, QDQ, file));
    return r;
  }
}
