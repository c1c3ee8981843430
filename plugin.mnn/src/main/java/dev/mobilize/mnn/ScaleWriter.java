package dev.mobilize.mnn;

import dev.mobilize.ir.Node;
import java.util.List;

/**
 * BatchNormalization (inference form) as MNN's per-channel Scale:
 * {@code s = γ / √(σ² + ε)}, {@code b = β − μ·s}, {@code y = x·s + b} on axis 1.
 */
final class ScaleWriter implements MnnOpWriter {

  @Override
  public void write(Node n, ExportContext c) {
    if (n.outputs().size() > 1 && n.outputs().subList(1, n.outputs().size()).stream().anyMatch(o -> !o.isEmpty())) {
      throw new IllegalArgumentException("BatchNormalization in training mode (running statistics as outputs)");
    }
    float[] gamma = c.requireConstant(n.input(1), "scale").toFloatArray();
    float[] beta = c.requireConstant(n.input(2), "bias").toFloatArray();
    float[] mean = c.requireConstant(n.input(3), "mean").toFloatArray();
    float[] var = c.requireConstant(n.input(4), "var").toFloatArray();
    double eps = n.attributes().getFloat("epsilon", 1e-5f);
    int channels = gamma.length;
    float[] scale = new float[channels];
    float[] bias = new float[channels];
    for (int i = 0; i < channels; i++) {
      double s = gamma[i] / Math.sqrt(var[i] + eps);
      scale[i] = (float) s;
      bias[i] = (float) (beta[i] - mean[i] * s);
    }
    c.op("Scale", ExportContext.name(n), List.of(n.input(0)), List.of(n.output(0)), "Scale", b -> {
      int sv = b.floats(scale);
      int bv = b.floats(bias);
      b.startTable(4);
      b.addInt(0, channels, 0);
      b.addOffset(1, sv);
      b.addOffset(2, bv);
      return b.endTable();
    });
  }
}
