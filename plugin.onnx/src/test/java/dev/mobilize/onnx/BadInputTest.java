package dev.mobilize.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mobilize.onnx.proto.Onnx.GraphProto;
import dev.mobilize.onnx.proto.Onnx.TensorProto;
import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.MobilizeException;
import dev.mobilize.service.Options;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad file gives one clear MobilizeException naming the file, and the node where it applies. */
class BadInputTest {

  @TempDir Path dir;
  private final OnnxImporter importer = new OnnxImporter();

  private MobilizeException fails(Path file) {
    MobilizeException e = assertThrows(MobilizeException.class, () -> importer.read(file, Options.NONE));
    assertTrue(e.getMessage().startsWith(file.toString() + ": "), e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    return e;
  }

  private Path write(String name, byte[] bytes) throws Exception {
    Path f = dir.resolve(name);
    Files.write(f, bytes);
    return f;
  }

  @Test
  void emptyFile() throws Exception {
    MobilizeException e = fails(write("empty.onnx", new byte[0]));
    assertEquals(dir.resolve("empty.onnx") + ": is empty", e.getMessage());
  }

  @Test
  void missingFileAndDirectory() {
    assertEquals(ErrorCode.IO_ERROR, fails(dir.resolve("nope.onnx")).code());
    assertTrue(fails(dir).getMessage().endsWith("is a directory, not a model file"));
  }

  @Test
  void truncatedFile() throws Exception {
    byte[] full = TestModels.model(13, TestModels.relu().build()).toByteArray();
    MobilizeException e = fails(write("cut.onnx", Arrays.copyOf(full, full.length - 7)));
    assertEquals(ErrorCode.INVALID_MODEL, e.code());
    assertTrue(e.getMessage().contains("truncated, corrupt or of another format"), e.getMessage());
  }

  @Test
  void randomBytesAndOtherFormats() throws Exception {
    byte[] random = new byte[4096];
    new Random(42).nextBytes(random);
    assertEquals(ErrorCode.INVALID_MODEL, fails(write("random.onnx", random)).code());
    fails(write("text.onnx", "7767517\n3 3\nInput data 0 1 data\n".getBytes()));
    assertTrue(!importer.accepts(dir.resolve("x"), "7767517\n3 3\n".getBytes()));
    assertTrue(!importer.accepts(dir.resolve("x"), random));
    assertTrue(importer.accepts(dir.resolve("x"), TestModels.model(13, TestModels.relu().build()).toByteArray()));
  }

  @Test
  void undefinedValueNamesTheNode() throws Exception {
    GraphProto g = TestModels.relu()
        .addNode(TestModels.node("Add", "add1", new String[] {"y", "ghost"}, new String[] {"z"})).build();
    MobilizeException e = fails(write("undef.onnx", TestModels.model(13, g).toByteArray()));
    assertEquals(ErrorCode.INVALID_GRAPH, e.code());
    assertEquals(dir.resolve("undef.onnx") + ": node 'add1' (Add): input 'ghost' is not defined: "
        + "no graph input, initializer or node produces it", e.getMessage());
  }

  @Test
  void cycleNamesANode() throws Exception {
    GraphProto g = GraphProto.newBuilder().setName("g").addInput(TestModels.floatValue("x", 1))
        .addOutput(TestModels.floatValue("b", 1))
        .addNode(TestModels.node("Add", "first", new String[] {"x", "b"}, new String[] {"a"}))
        .addNode(TestModels.node("Relu", "second", new String[] {"a"}, new String[] {"b"})).build();
    MobilizeException e = fails(write("cycle.onnx", TestModels.model(13, g).toByteArray()));
    assertTrue(e.getMessage().contains("is part of a cycle"), e.getMessage());
  }

  @Test
  void nodesOutOfOrderAreSorted() throws Exception {
    GraphProto g = GraphProto.newBuilder().setName("g").addInput(TestModels.floatValue("x", 1))
        .addOutput(TestModels.floatValue("b", 1))
        .addNode(TestModels.node("Relu", "second", new String[] {"a"}, new String[] {"b"}))
        .addNode(TestModels.node("Relu", "first", new String[] {"x"}, new String[] {"a"})).build();
    var m = importer.read(write("order.onnx", TestModels.model(13, g).toByteArray()), Options.NONE);
    assertEquals("first", m.graph().nodes().get(0).name());
  }

  @Test
  void hugeDimensionsAreRefusedBeforeAllocating() throws Exception {
    TensorProto big = TensorProto.newBuilder().setName("w").setDataType(1)
        .addDims(1L << 31).addDims(1L << 31).addDims(1L << 10).build();
    GraphProto g = TestModels.relu().addInitializer(big).build();
    MobilizeException e = fails(write("huge.onnx", TestModels.model(13, g).toByteArray()));
    assertEquals(ErrorCode.LIMIT_EXCEEDED, e.code());
    TensorProto large = TensorProto.newBuilder().setName("w").setDataType(1).addDims(1L << 20).addDims(1L << 12).build();
    MobilizeException e2 = fails(write("large.onnx", TestModels.model(13, TestModels.relu().addInitializer(large).build()).toByteArray()));
    assertTrue(e2.getMessage().contains("at most 2 GB per tensor"), e2.getMessage());
  }

  @Test
  void tensorWithTooFewValues() throws Exception {
    GraphProto g = TestModels.relu().addInitializer(TestModels.floats("w", new long[] {2, 2}, 1, 2, 3)).build();
    MobilizeException e = fails(write("short.onnx", TestModels.model(13, g).toByteArray()));
    assertTrue(e.getMessage().endsWith("tensor 'w' f32[2,2] needs 4 values, found 3"), e.getMessage());
  }

  @Test
  void tooOldOpset() throws Exception {
    MobilizeException e = fails(write("old.onnx", TestModels.model(6, TestModels.relu().build()).toByteArray()));
    assertEquals(ErrorCode.UNSUPPORTED_OP, e.code());
    assertTrue(e.getMessage().contains("opset 6"), e.getMessage());
  }
}
