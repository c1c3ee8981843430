package dev.mobilize.mnn;

import dev.mobilize.ir.Node;
import java.util.List;

/**
 * BatchNormalization (inference form) as MNN's per-channel Scale:
 * {@code s = γ / √(σ² + ε)}, {@code b = β − μ·s}, {@code y = x·s + b} on axis 1. MNN's CPU Scale
 * reads and writes NC4HW4 only, so ConvertTensor ops move the tensor there and back, as MNNConvert
 * places them (without them real MNN computes garbage from an NCHW input).
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
    String name = ExportContext.name(n);
    String packed = c.fresh(n.input(0) + "__nc4hw4");
    String scaled = c.fresh(n.output(0) + "__nc4hw4");
    convert(c, c.fresh(name + "__to_nc4hw4"), n.input(0), packed, MnnSchema.NCHW, MnnSchema.NC4HW4);
    c.op("Scale", name, List.of(packed), List.of(scaled), "Scale", b -> {
      int sv = b.floats(scale);
      int bv = b.floats(bias);
      b.startTable(4);
      b.addInt(0, channels, 0);
      b.addOffset(1, sv);
      b.addOffset(2, bv);
      return b.endTable();
    });
    convert(c, c.fresh(name + "__to_nchw"), scaled, n.output(0), MnnSchema.NC4HW4, MnnSchema.NCHW);
  }

  /** ConvertTensor: the same tensor in another memory layout. */
  static void convert(ExportContext c, String name, String x, String y, int from, int to) {
    c.op("ConvertTensor", name, List.of(x), List.of(y), "TensorConvertInfo", b -> {
      b.startTable(2);
      b.addByte(0, from, 0);
      b.addByte(1, to, 0);
      return b.endTable();
    });
  }
}
