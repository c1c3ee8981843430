package dev.mobilize.cpu;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Node;

/**
 * ONNX LayerNormalization over dimensions {@code axis..}: outputs Y and optionally Mean and
 * InvStdDev (shape with the normalized dimensions set to 1).
 */
final class LayerNormalization implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    float eps = node.attributes().getFloat("epsilon", 1e-5f);
    long axisAttr = node.attributes().getInt("axis", -1);
    return (in, ex) -> {
      NdArray x = in[0];
      int r = x.rank();
      int axis = Broadcast.axis(node, axisAttr, r);
      int outer = 1;
      for (int d = 0; d < axis; d++) {
        outer *= x.shape[d];
      }
      int len = outer == 0 ? 0 : x.size() / outer;
      int[] normShape = java.util.Arrays.copyOfRange(x.shape, axis, r);
      int[] si = Broadcast.indexMap(in[1].shape, normShape);
      int[] bi = in.length > 2 && in[2] != null ? Broadcast.indexMap(in[2].shape, normShape) : null;
      float[] o = ex.floats(x.size());
      float[] means = new float[outer];
      float[] invs = new float[outer];
      for (int t = 0; t < outer; t++) {
        int s = t * len;
        double mean = 0;
        for (int i = 0; i < len; i++) {
          mean += x.f[s + i];
        }
        mean /= len;
        double var = 0;
        for (int i = 0; i < len; i++) {
          double d = x.f[s + i] - mean;
          var += d * d;
        }
        var /= len;
        double inv = 1 / Math.sqrt(var + eps);
        means[t] = (float) mean;
        invs[t] = (float) inv;
        for (int i = 0; i < len; i++) {
          double y = (x.f[s + i] - mean) * inv * in[1].getFloat(si[i]);
          if (bi != null) {
            y += in[2].getFloat(bi[i]);
          }
          o[s + i] = (float) y;
        }
      }
      int[] statShape = x.shape.clone();
      for (int d = axis; d < r; d++) {
        statShape[d] = 1;
      }
      DataType statType = DataType.fromCode((int) node.attributes().getInt("stash_type", 1));
      return new NdArray[] {NdArray.ofFloats(x.type, x.shape, o), NdArray.ofFloats(statType, statShape, means),
          NdArray.ofFloats(statType, statShape, invs)};
    };
  }
}
