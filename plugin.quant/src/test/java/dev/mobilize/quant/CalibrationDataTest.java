package dev.mobilize.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Dim;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.onnx.OnnxTensorFormat;
import dev.mobilize.onnx.OnnxTensors;
import dev.mobilize.service.MobilizeException;
import dev.mobilize.service.Options;
import dev.mobilize.service.Quantizer;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CalibrationDataTest {

  @TempDir
  Path tmp;

  private static Graph graph(Shape input) {
    return Graph.builder("g").input(new ValueInfo("data", DataType.FLOAT, input))
        .output(new ValueInfo("data", DataType.FLOAT, input)).build();
  }

  private static CalibrationData data(Options o) {
    OnnxTensorFormat pb = new OnnxTensorFormat();
    return new CalibrationData(ext -> ext.equals("pb") ? pb : null, ImagePreprocessing.of(o));
  }

  @Test
  void aBatchFileIsSplitAlongAxisZero() {
    Path f = tmp.resolve("batch.pb");
    OnnxTensors.writeFile(f, "data", Tensor.ofFloats(new long[] {3, 2}, 1, 2, 3, 4, 5, 6));
    Shape s = Shape.of(List.of(Dim.symbol("n"), Dim.of(2)));
    List<Map<String, Tensor>> samples = data(Options.NONE).read(f, graph(s), "calib");
    assertEquals(3, samples.size());
    assertArrayEquals(new long[] {1, 2}, samples.get(2).get("data").dims());
    assertArrayEquals(new float[] {5, 6}, samples.get(2).get("data").toFloatArray());
  }

  @Test
  void aMisShapedFileNamesTheFileAndTheInput() {
    Path f = tmp.resolve("bad.pb");
    OnnxTensors.writeFile(f, "data", Tensor.ofFloats(new long[] {1, 3}, 1, 2, 3));
    MobilizeException e = assertThrows(MobilizeException.class,
        () -> data(Options.NONE).read(f, graph(Shape.of(1, 2)), "calib"));
    assertTrue(e.getMessage().contains("bad.pb") && e.getMessage().contains("'data'")
        && e.getMessage().contains("dim 1 is 3, expected 2"), e.getMessage());
  }

  @Test
  void missingDataSaysWhatToGive() {
    MobilizeException e = assertThrows(MobilizeException.class,
        () -> data(Options.NONE).read(tmp.resolve("nothing"), graph(Shape.of(1, 2)), "calib"));
    assertTrue(e.getMessage().contains("no such file") && e.getMessage().contains("--calib"), e.getMessage());
  }

  @Test
  void imagesAreResizedNormalisedAndOrdered() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("images"));
    BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 8; x++) {
        img.setRGB(x, y, (200 << 16) | (100 << 8) | 50);
      }
    }
    ImageIO.write(img, "png", dir.resolve("a.png").toFile());
    ImageIO.write(img, "png", dir.resolve("b.png").toFile());
    Files.writeString(dir.resolve("notes.txt"), "ignored");
    Options o = Options.of(Map.of(Quantizer.MEAN, "100,100,100", Quantizer.NORM, "0.01", Quantizer.COLOR, "bgr"));
    List<Map<String, Tensor>> samples = data(o).read(dir, graph(Shape.of(1, 3, 4, 4)), "calib");
    assertEquals(2, samples.size());
    Tensor t = samples.get(0).get("data");
    assertArrayEquals(new long[] {1, 3, 4, 4}, t.dims());
    float[] v = t.toFloatArray();
    // BGR: channel 0 is blue (50 - 100) * 0.01, channel 2 red (200 - 100) * 0.01
    assertEquals(-0.5f, v[0], 1e-6f);
    assertEquals(0f, v[16], 1e-6f);
    assertEquals(1f, v[32], 1e-6f);
  }

  @Test
  void grayImagesNeedAOneChannelInput() throws Exception {
    Path f = tmp.resolve("x.png");
    ImageIO.write(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB), "png", f.toFile());
    MobilizeException e = assertThrows(MobilizeException.class,
        () -> data(Options.NONE).read(f, graph(Shape.of(1, 1, 4, 4)), "calib"));
    assertTrue(e.getMessage().contains("--color gray"), e.getMessage());
  }
}
