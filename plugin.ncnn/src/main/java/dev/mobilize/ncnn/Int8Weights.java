package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Node;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The int8 data {@link LowerQdqToInt8} attached to a quantized node, written as ncnn2int8 writes
 * it: weights stored int8 (tagged), {@code weight_data_int8_scales = 1 / W_scale} per output
 * channel (per group for ConvolutionDepthWise), {@code bottom_blob_int8_scales = 1 / x_scale}.
 *
 * @param weight the int8 weight values in the IR's order
 * @param weightScales the IR's per-output-channel weight scales
 * @param inputScale the IR's input scale
 */
record Int8Weights(float[] weight, float[] weightScales, float inputScale) {

  private static final Logger LOG = LoggerFactory.getLogger(Int8Weights.class);

  /** The int8 data of {@code node}, or null when it is written in float. */
  static Int8Weights of(Node node) {
    Attributes a = node.attributes();
    if (!a.has(LowerQdqToInt8.WEIGHT)) {
      return null;
    }
    return new Int8Weights(a.tensor(LowerQdqToInt8.WEIGHT).toFloatArray(),
        a.tensor(LowerQdqToInt8.WEIGHT_SCALE).toFloatArray(), a.getFloat(LowerQdqToInt8.INPUT_SCALE));
  }

  /** Logs that a quantized node is written in float, and why. */
  static void writtenInFloat(Node node, String why) {
    LOG.warn("node '{}' ({}) is quantized, but {}; it is written in float", node.name(), node.opType(), why);
  }

  /** ncnn's scales: {@code 1 / s} (a zero scale, a channel of zeros, stays 1). */
  static float[] inverse(float[] s) {
    float[] r = new float[s.length];
    for (int i = 0; i < s.length; i++) {
      r[i] = s[i] == 0 ? 1f : 1f / s[i];
    }
    return r;
  }

  /**
   * Per-group scales for a grouped convolution with {@code perGroup} output channels per group, or
   * null when the channels of a group do not share one scale (ncnn has one scale per group).
   */
  float[] groupScales(int group, int perGroup) {
    if (weightScales.length == 1) {
      float[] r = new float[group];
      java.util.Arrays.fill(r, weightScales[0]);
      return r;
    }
    float[] r = new float[group];
    for (int g = 0; g < group; g++) {
      r[g] = weightScales[g * perGroup];
      for (int c = 1; c < perGroup; c++) {
        if (weightScales[g * perGroup + c] != r[g]) {
          return null;
        }
      }
    }
    return r;
  }

  /** The weight scales for {@code n} output channels (a per-tensor scale repeated). */
  float[] channelScales(int n) {
    if (weightScales.length == n) {
      return weightScales;
    }
    float[] r = new float[n];
    java.util.Arrays.fill(r, weightScales[0]);
    return r;
  }

  /** Adds the input scale to an int8 layer, after its weight scales. */
  void addInputScale(NcnnLayer l) {
    float s = inverse(new float[] {inputScale})[0];
    l.rawWeight(new float[] {s});
    l.int8InputScale = s;
  }
}
