package dev.mobilize.cli;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Dim;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Half;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.MobilizeException;
import dev.mobilize.service.TensorFormat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The inputs a command runs a model on: from files given as {@code NAME=FILE} ({@code .pb} or
 * {@code .npy}), or else the documented deterministic input: every element of float input number
 * {@code i} (in graph order) drawn uniformly from [-1, 1) by {@code new SplittableRandom(SEED + i)},
 * integer inputs all zero, booleans false, and symbolic dimensions set to 1.
 */
final class ModelInputs {

  /** Seed of the deterministic inputs. */
  static final long SEED = 20_261_128L;

  private ModelInputs() {}

  /** Parses {@code a=x.pb,b=y.npy} (commas or semicolons between entries). */
  static Map<String, Path> parseFiles(String spec) {
    Map<String, Path> out = new LinkedHashMap<>();
    if (spec == null || spec.isBlank()) {
      return out;
    }
    for (String part : spec.split("[,;]")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      if (eq <= 0 || eq == p.length() - 1) {
        throw new MobilizeException(ErrorCode.INVALID_ARGUMENT, "--input '" + p + "' must look like NAME=FILE.pb");
      }
      out.put(p.substring(0, eq), Path.of(p.substring(eq + 1)));
    }
    return out;
  }

  /**
   * A tensor for every input of {@code g}.
   *
   * @param files input files by input name ("" name: use the name stored in the file)
   */
  static Map<String, Tensor> build(Graph g, Map<String, Path> files, TensorFiles formats) {
    Map<String, Tensor> fromFiles = new LinkedHashMap<>();
    for (Map.Entry<String, Path> e : files.entrySet()) {
      TensorFormat.NamedTensor t = formats.read(e.getValue());
      fromFiles.put(e.getKey(), t.tensor());
    }
    List<String> names = g.inputs().stream().map(ValueInfo::name).toList();
    for (String given : fromFiles.keySet()) {
      if (!names.contains(given)) {
        throw new MobilizeException(ErrorCode.INVALID_ARGUMENT,
            "--input names '" + given + "', which the model does not have; its inputs are " + names);
      }
    }
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (int i = 0; i < g.inputs().size(); i++) {
      ValueInfo in = g.inputs().get(i);
      Tensor t = fromFiles.get(in.name());
      out.put(in.name(), t != null ? t : generated(in, i));
    }
    return out;
  }

  /** The deterministic input for graph input number {@code index}. */
  static Tensor generated(ValueInfo in, int index) {
    if (!in.shape().hasRank()) {
      throw new MobilizeException(ErrorCode.INVALID_ARGUMENT, "input '" + in.name()
          + "' has no known shape; give it with --input " + in.name() + "=FILE.pb or --input-shape");
    }
    List<Long> dims = new ArrayList<>();
    for (Dim d : in.shape().dimList()) {
      dims.add(d.isFixed() ? d.value() : 1L);
    }
    long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
    long n = Shape.numElements(shape);
    if (n > 256L << 20) {
      throw new MobilizeException(ErrorCode.LIMIT_EXCEEDED, String.format(Locale.ROOT,
          "input '%s' %s would have %d elements; give a smaller --input-shape", in.name(), Shape.format(shape), n));
    }
    SplittableRandom random = new SplittableRandom(SEED + index);
    DataType type = in.type() == DataType.UNDEFINED ? DataType.FLOAT : in.type();
    switch (type) {
      case FLOAT -> {
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return Tensor.ofFloats(shape, v);
      }
      case FLOAT16 -> {
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
          v[i] = Half.toFloat(Half.fromFloat((float) (random.nextDouble() * 2 - 1)));
        }
        return Tensor.ofHalfs(shape, v);
      }
      default -> {
        if (type.byteSize() <= 0) {
          throw new MobilizeException(ErrorCode.INVALID_ARGUMENT, "input '" + in.name() + "' has type " + type
              + "; give it with --input " + in.name() + "=FILE.pb");
        }
        ByteBuffer zeros = ByteBuffer.allocate((int) type.storageBytes(n)).order(ByteOrder.LITTLE_ENDIAN);
        return Tensor.wrap(type, shape, zeros);
      }
    }
  }
}
