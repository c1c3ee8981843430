package dev.mobilize.testing;

import dev.mobilize.ir.Tensor;
import dev.mobilize.onnx.OnnxTensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the format plugins' tests share: the tensors of an ONNX test data set, and how far an
 * output is from its reference.
 */
public final class ReferenceData {

  private ReferenceData() {}

  /** input_K.pb or output_K.pb of a test data set, named by the tensor name or else by {@code names}. */
  public static Map<String, Tensor> read(Path set, String prefix, List<String> names) {
    Map<String, Tensor> m = new LinkedHashMap<>();
    for (int i = 0; ; i++) {
      Path f = set.resolve(prefix + i + ".pb");
      if (!Files.exists(f)) {
        break;
      }
      OnnxTensors.Named t = OnnxTensors.readFile(f);
      String name = t.name() == null || t.name().isEmpty() ? names.get(i) : t.name();
      m.put(name, t.tensor());
    }
    return m;
  }

  /** max |a - b| / max |b|, element by element (shapes may differ by leading 1s). */
  public static double relativeError(Tensor actual, Tensor reference) {
    float[] a = actual.toFloatArray();
    float[] r = reference.toFloatArray();
    if (a.length != r.length) {
      throw new AssertionError("element counts differ: " + a.length + " vs reference " + r.length);
    }
    double err = 0;
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      err = Math.max(err, Math.abs(a[i] - r[i]));
      max = Math.max(max, Math.abs(r[i]));
    }
    return err / Math.max(max, 1e-30);
  }

  /** Cosine similarity of the two as vectors. */
  public static double cosine(Tensor actual, Tensor reference) {
    float[] a = actual.toFloatArray();
    float[] r = reference.toFloatArray();
    double dot = 0;
    double na = 0;
    double nr = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * r[i];
      na += (double) a[i] * a[i];
      nr += (double) r[i] * r[i];
    }
    return dot / Math.sqrt(na * nr);
  }
}
