package dev.mobilize.ncnn;

import java.util.ArrayList;
import java.util.List;

/**
 * One ncnn layer: a line of the {@code .param} file (type, name, input and output blobs, params)
 * and the weights it reads from the {@code .bin} file, in order.
 */
final class NcnnLayer {

  final String type;
  String name;
  final List<String> inputs;
  final List<String> outputs;
  final NcnnParams params = new NcnnParams();
  final List<NcnnWeight> weights = new ArrayList<>();
  /** For an int8 Convolution/ConvolutionDepthWise/InnerProduct: ncnn's bottom_blob_int8_scale (1 / input scale), else 0. */
  float int8InputScale;

  NcnnLayer(String type, String name, List<String> inputs, List<String> outputs) {
    this.type = type;
    this.name = name;
    this.inputs = new ArrayList<>(inputs);
    this.outputs = new ArrayList<>(outputs);
  }

  /** Adds a weight that ncnn reads with a storage tag (type 0: fp32, fp16 or int8 by the tag). */
  NcnnLayer taggedWeight(float[] data) {
    weights.add(new NcnnWeight(data, true));
    return this;
  }

  /** Adds a tagged weight stored as int8 (its values are integers in [-127, 127]). */
  NcnnLayer int8Weight(float[] data) {
    weights.add(new NcnnWeight(data, true, true));
    return this;
  }

  /** Adds a weight that ncnn reads as raw fp32 (type 1, no tag). */
  NcnnLayer rawWeight(float[] data) {
    weights.add(new NcnnWeight(data, false));
    return this;
  }

  @Override
  public String toString() {
    return type + " " + name + " " + inputs + " -> " + outputs + " " + params;
  }
}
