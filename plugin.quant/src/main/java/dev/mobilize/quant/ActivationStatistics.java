package dev.mobilize.quant;

import dev.mobilize.ir.Model;
import dev.mobilize.ir.Tensor;
import dev.mobilize.service.GraphExecutor;
import dev.mobilize.service.Options;
import dev.mobilize.service.PreparedModel;
import dev.mobilize.service.Quantizer;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the float model over the calibration samples twice, with the values to quantize as extra
 * outputs: first for each value's max|x|, then for the histogram of |x| over [0, max].
 */
final class ActivationStatistics {

  private ActivationStatistics() {}

  /**
   * @param means values whose per-channel means are wanted too (filled in the first pass)
   */
  static Map<String, Histogram> collect(GraphExecutor executor, Model model, Collection<String> values,
      Map<String, ChannelMeans> means, List<Map<String, Tensor>> samples, Quantizer.Progress progress) {
    Map<String, Histogram> h = new LinkedHashMap<>();
    values.forEach(v -> h.put(v, new Histogram()));
    long total = 2L * samples.size();
    long done = 0;
    try (PreparedModel p = executor.prepare(Probes.withOutputs(model, values), Options.NONE)) {
      for (int pass = 0; pass < 2; pass++) {
        for (Map<String, Tensor> s : samples) {
          Map<String, Tensor> out = p.run(s);
          for (Map.Entry<String, Histogram> e : h.entrySet()) {
            Tensor t = tensor(out, e.getKey(), s);
            float[] x = t.toFloatArray();
            if (pass == 0) {
              e.getValue().range(x, x.length);
              ChannelMeans m = means.get(e.getKey());
              if (m != null) {
                m.add(x, t.dims());
              }
            } else {
              e.getValue().count(x, x.length);
            }
          }
          progress.update("calibrating", ++done, total);
        }
      }
    }
    return h;
  }

  private static Tensor tensor(Map<String, Tensor> out, String value, Map<String, Tensor> sample) {
    Tensor t = out.get(value);
    if (t == null) {
      t = sample.get(value);
    }
    if (t == null) {
      throw new IllegalStateException("the executor did not return " + value);
    }
    return t;
  }
}
