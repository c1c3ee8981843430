package dev.mobilize.tnn;

import static java.util.Map.entry;

import java.util.Map;

/**
 * TNN's layer type ids (source/tnn/core/layer_type.h) of the layer type names we read or write;
 * the {@code .tnnmodel} layer headers carry both. How each type's resource is laid out is in
 * {@link TnnModelFile}.
 */
final class LayerTypes {

  private LayerTypes() {}

  static final Map<String, Integer> IDS = Map.ofEntries(
      entry("Convolution", 1),
      entry("BatchNormCxx", 2),
      entry("Pooling", 4),
      entry("ReLU", 5),
      entry("Concat", 8),
      entry("Reshape", 9),
      entry("Flatten", 10),
      entry("Scale", 16),
      entry("InnerProduct", 19),
      entry("Softmax", 21),
      entry("SoftmaxCaffe", 21),
      entry("Sigmoid", 23),
      entry("Permute", 32),
      entry("Add", 38),
      entry("Mul", 42),
      entry("Shape", 72),
      entry("Cast", 103),
      entry("MatMul", 105),
      entry("Sub", 108),
      entry("ReLU6", 125),
      entry("Clip", 171),
      entry("HardSigmoid", 172),
      entry("HardSwish", 173),
      entry("Div", 175),
      entry("StridedSliceV2", 306),
      entry("Deconvolution", 22),
      entry("PReLU", 35),
      entry("Tanh", 39),
      entry("Abs", 41),
      entry("InstBatchNormCxx", 43),
      entry("Neg", 70),
      entry("Gather", 104),
      entry("Squeeze", 118),
      entry("Sqrt", 130),
      entry("Elu", 132),
      entry("ReduceSum", 133),
      entry("Maximum", 137),
      entry("Minimum", 140),
      entry("Exp", 141),
      entry("Upsample", 149),
      entry("Unsqueeze", 164),
      entry("ReduceMean", 169),
      entry("ReduceMax", 177),
      entry("Log", 184),
      entry("Reciprocal", 185),
      entry("Floor", 186),
      entry("ReduceL2", 189),
      entry("ReduceMin", 192),
      entry("ReduceProd", 193),
      entry("Erf", 307),
      entry("PadV2", 316),
      entry("LayerNorm", 326),
      entry("QuantizedConvolution", 1),
      entry("QuantizedInnerProduct", 19),
      entry("BlobScale", 600));

  static int id(String type) {
    Integer id = IDS.get(type);
    if (id == null) {
      throw new IllegalStateException("no TNN layer type id for " + type);
    }
    return id;
  }
}
