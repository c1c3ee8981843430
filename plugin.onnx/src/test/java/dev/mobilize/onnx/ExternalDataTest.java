package dev.mobilize.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mobilize.ir.Model;
import dev.mobilize.onnx.proto.Onnx.StringStringEntryProto;
import dev.mobilize.onnx.proto.Onnx.TensorProto;
import dev.mobilize.service.MobilizeException;
import dev.mobilize.service.Options;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** External tensor data is read from the model's folder only. */
class ExternalDataTest {

  @TempDir Path dir;

  private Path modelWithExternal(String location, long offset) throws Exception {
    TensorProto w = TensorProto.newBuilder().setName("w").setDataType(1).addDims(2)
        .setDataLocation(TensorProto.DataLocation.EXTERNAL)
        .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location))
        .addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue(Long.toString(offset)))
        .addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue("8")).build();
    Path model = dir.resolve("models/m.onnx");
    Files.createDirectories(model.getParent());
    Files.write(model, TestModels.model(13, TestModels.relu().addInitializer(w).build()).toByteArray());
    return model;
  }

  private static byte[] floats(float... v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      b.putFloat(f);
    }
    return b.array();
  }

  @Test
  void readsDataBesideTheModelAtAnOffset() throws Exception {
    Path model = modelWithExternal("weights.bin", 4);
    byte[] data = new byte[12];
    System.arraycopy(floats(1.5f, -2f), 0, data, 4, 8);
    Files.write(dir.resolve("models/weights.bin"), data);
    Model m = new OnnxImporter().read(model, Options.NONE);
    assertArrayEquals(new float[] {1.5f, -2f}, m.graph().initializer("w").orElseThrow().toFloatArray());
  }

  @Test
  void refusesLocationsOutsideTheFolder() throws Exception {
    Files.write(dir.resolve("secret.bin"), floats(1, 2));
    for (String location : new String[] {"../secret.bin", dir.resolve("secret.bin").toString(), "sub/../../secret.bin"}) {
      Path model = modelWithExternal(location, 0);
      MobilizeException e = assertThrows(MobilizeException.class, () -> new OnnxImporter().read(model, Options.NONE));
      assertTrue(e.getMessage().contains("points outside the model's folder"), location + ": " + e.getMessage());
    }
  }

  @Test
  void refusesSymlinksPointingOut() throws Exception {
    Files.write(dir.resolve("secret.bin"), floats(1, 2));
    Path model = modelWithExternal("link.bin", 0);
    Files.createSymbolicLink(dir.resolve("models/link.bin"), dir.resolve("secret.bin"));
    MobilizeException e = assertThrows(MobilizeException.class, () -> new OnnxImporter().read(model, Options.NONE));
    assertTrue(e.getMessage().contains("points outside the model's folder"), e.getMessage());
  }

  @Test
  void tooShortFileIsAClearError() throws Exception {
    Path model = modelWithExternal("weights.bin", 0);
    Files.write(dir.resolve("models/weights.bin"), new byte[5]);
    MobilizeException e = assertThrows(MobilizeException.class, () -> new OnnxImporter().read(model, Options.NONE));
    assertTrue(e.getMessage().contains("needs 8 bytes at offset 0 of 'weights.bin', which has only 5 bytes"), e.getMessage());
  }
}
