package dev.mobilize.quant;

import dev.mobilize.ir.Dim;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.MobilizeException;
import dev.mobilize.service.TensorFormat;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Reads calibration (or validation) samples for a model with one input: a folder of images
 * (JPEG/PNG, see {@link ImagePreprocessing}) or of tensor files, or one tensor file. A tensor whose
 * first dim is larger than the input's batch (1 or symbolic) is a batch: it is split along axis 0
 * into samples of batch 1. Every sample is checked against the input's fixed dims.
 */
final class CalibrationData {

  static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png");
  /** At most this many samples are read (the rest of a folder is ignored, with a note in the log). */
  static final int MAX_SAMPLES = 100_000;

  private final Function<String, TensorFormat> formats;
  private final ImagePreprocessing images;

  /**
   * @param formats the tensor format for a file extension (null when none is installed)
   */
  CalibrationData(Function<String, TensorFormat> formats, ImagePreprocessing images) {
    this.formats = formats;
    this.images = images;
  }

  List<Map<String, Tensor>> read(Path path, Graph graph, String option) {
    if (graph.inputs().size() != 1) {
      throw new MobilizeException(ErrorCode.INVALID_ARGUMENT, "--" + option + " data feeds models with one input;"
          + " this one has " + graph.inputs().size() + " (" + graph.inputs().stream().map(ValueInfo::name).toList() + ")");
    }
    ValueInfo input = graph.inputs().get(0);
    if (!Files.exists(path)) {
      throw new MobilizeException(ErrorCode.IO_ERROR, path + ": no such file or folder; give --" + option
          + " a folder of images (.jpg, .png) or tensor files (.pb, .npy), or one batch tensor file");
    }
    List<Path> files;
    if (Files.isDirectory(path)) {
      try (Stream<Path> s = Files.list(path)) {
        files = s.filter(Files::isRegularFile).filter(f -> isImage(f) || formatOf(f) != null).sorted().toList();
      } catch (IOException e) {
        throw new MobilizeException(ErrorCode.IO_ERROR, path + ": cannot list: " + e.getMessage(), e);
      }
      if (files.isEmpty()) {
        throw new MobilizeException(ErrorCode.INVALID_ARGUMENT, path + ": has no images (.jpg, .jpeg, .png) and no"
            + " tensor files (" + String.join(", ", knownTensorExtensions()) + ") for --" + option);
      }
    } else {
      files = List.of(path);
    }
    List<Map<String, Tensor>> samples = new ArrayList<>();
    for (Path f : files) {
      if (samples.size() >= MAX_SAMPLES) {
        break;
      }
      for (Tensor t : read(f, input)) {
        samples.add(Map.of(input.name(), t));
      }
    }
    return samples;
  }

  private List<Tensor> read(Path f, ValueInfo input) {
    if (isImage(f)) {
      BufferedImage img;
      try {
        img = ImageIO.read(f.toFile());
      } catch (IOException e) {
        throw new MobilizeException(ErrorCode.IO_ERROR, f + ": cannot read the image: " + e.getMessage(), e);
      }
      if (img == null) {
        throw new MobilizeException(ErrorCode.INVALID_ARGUMENT, f + ": not a readable JPEG or PNG image");
      }
      return List.of(images.apply(img, fixedDims(input, f), f.toString()));
    }
    TensorFormat format = formatOf(f);
    if (format == null) {
      throw new MobilizeException(ErrorCode.UNSUPPORTED_FORMAT, f + ": unknown calibration file type; use images"
          + " (.jpg, .jpeg, .png) or tensor files (" + String.join(", ", knownTensorExtensions()) + ")");
    }
    Tensor t = format.read(f).tensor();
    return split(t, input, f);
  }

  /** The tensor as samples: itself, or its slices along axis 0 when it is a batch. */
  static List<Tensor> split(Tensor t, ValueInfo input, Path file) {
    Shape s = input.shape();
    if (!s.hasRank() || s.rank() != t.rank()) {
      throw mismatch(file, t, input, "rank " + t.rank() + ", expected " + (s.hasRank() ? s.rank() : "?"));
    }
    if (t.type() != input.type()) {
      throw mismatch(file, t, input, "type " + t.type() + ", expected " + input.type());
    }
    long[] d = t.dims();
    boolean batch = d.length > 0 && d[0] > 1 && (!s.dim(0).isFixed() || s.dim(0).value() == 1);
    for (int i = batch ? 1 : 0; i < d.length; i++) {
      Dim want = s.dim(i);
      if (want.isFixed() && want.value() != d[i]) {
        throw mismatch(file, t, input, "dim " + i + " is " + d[i] + ", expected " + want.value());
      }
    }
    if (!batch) {
      return List.of(t);
    }
    long[] one = d.clone();
    one[0] = 1;
    int bytes = (int) t.type().storageBytes(Shape.numElements(one));
    ByteBuffer all = t.data();
    List<Tensor> out = new ArrayList<>();
    for (int i = 0; i < d[0] && i < MAX_SAMPLES; i++) {
      byte[] b = new byte[bytes];
      all.get(i * bytes, b);
      out.add(Tensor.of(t.type(), one, b));
    }
    return out;
  }

  private static MobilizeException mismatch(Path file, Tensor t, ValueInfo input, String what) {
    return new MobilizeException(ErrorCode.SHAPE_MISMATCH, file + ": tensor " + t.type().shortName()
        + Arrays.toString(t.dims()) + " does not fit input '" + input.name() + "' " + input.typeString() + ": " + what);
  }

  private static long[] fixedDims(ValueInfo input, Path f) {
    if (!input.shape().hasRank()) {
      throw new MobilizeException(ErrorCode.SHAPE_MISMATCH, f + ": input '" + input.name()
          + "' has no known shape; fix it with --input-shape");
    }
    long[] d = new long[input.shape().rank()];
    for (int i = 0; i < d.length; i++) {
      Dim x = input.shape().dim(i);
      d[i] = x.isFixed() ? x.value() : i == 0 ? 1 : 0;
    }
    return d;
  }

  private static boolean isImage(Path f) {
    return IMAGE_EXTENSIONS.contains(extension(f));
  }

  private TensorFormat formatOf(Path f) {
    return formats.apply(extension(f));
  }

  private List<String> knownTensorExtensions() {
    List<String> k = new ArrayList<>();
    for (String e : List.of("pb", "npy")) {
      if (formats.apply(e) != null) {
        k.add("." + e);
      }
    }
    return k;
  }

  static String extension(Path f) {
    String n = f.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
  }
}
