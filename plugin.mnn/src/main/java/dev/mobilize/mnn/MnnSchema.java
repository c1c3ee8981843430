package dev.mobilize.mnn;

import static java.util.Map.entry;

import java.util.HashMap;
import java.util.Map;

/**
 * Numbers from MNN's schema (schema/default/*.fbs): the {@code OpType} enum, the {@code OpParameter}
 * union's type tags, and the field slots of the tables this plugin reads and writes. A union field
 * takes two slots: its type tag, then the value.
 */
final class MnnSchema {

  private MnnSchema() {}

  /** OpType by name. */
  static final Map<String, Integer> OP_TYPES = Map.ofEntries(
      entry("AbsVal", 0), entry("QuantizedAdd", 1), entry("ArgMax", 2), entry("AsString", 3),
      entry("InstanceNorm", 4), entry("BatchToSpaceND", 5), entry("Copy", 6), entry("BinaryOp", 7),
      entry("Bnll", 8), entry("Cast", 9), entry("Concat", 10), entry("Const", 11), entry("Convolution", 12),
      entry("ConvolutionDepthwise", 13), entry("Crop", 14), entry("CropAndResize", 15),
      entry("ImageProcess", 16), entry("Deconvolution", 17), entry("DeconvolutionDepthwise", 18),
      entry("Dequantize", 19), entry("DetectionOutput", 20), entry("Dropout", 21), entry("Eltwise", 22),
      entry("ELU", 23), entry("Unique", 24), entry("Exp", 25), entry("ExpandDims", 26), entry("Fill", 27),
      entry("Flatten", 28), entry("Im2Col", 29), entry("Gather", 30), entry("GatherV2", 31),
      entry("Im2Seq", 32), entry("InnerProduct", 33), entry("Input", 34), entry("Interp", 35),
      entry("Log", 36), entry("LRN", 37), entry("LSTM", 38), entry("MatMul", 39), entry("MoE", 40),
      entry("NonMaxSuppression", 41), entry("NonMaxSuppressionV2", 42), entry("Normalize", 43),
      entry("Pack", 44), entry("Padding", 45), entry("Permute", 46), entry("Pooling", 47),
      entry("Power", 48), entry("PReLU", 49), entry("PriorBox", 50), entry("Proposal", 51),
      entry("QuantizedAvgPool", 52), entry("QuantizedBiasAdd", 53), entry("QuantizedConcat", 54),
      entry("QuantizedDepthwiseConv2D", 55), entry("QuantizedLogistic", 56),
      entry("RasterAndInterpolate", 57), entry("QuantizedMaxPool", 58), entry("Texture", 59),
      entry("RasterDiff", 60), entry("QuantizedReshape", 61), entry("QuantizedSoftmax", 62),
      entry("QuantizeMaxMin", 63), entry("QuantizeV2", 64), entry("Range", 65), entry("Rank", 66),
      entry("ReduceJoin", 67), entry("Reduction", 68), entry("ReLU", 69), entry("ReLU6", 70),
      entry("RequantizationRange", 71), entry("Requantize", 72), entry("Reshape", 73), entry("Resize", 74),
      entry("RNN", 75), entry("ROIPooling", 76), entry("Scale", 77), entry("Selu", 78), entry("Seq2Out", 79),
      entry("Shape", 80), entry("Sigmoid", 81), entry("Size", 82), entry("Slice", 83), entry("SliceTf", 84),
      entry("Softmax", 85), entry("SpaceToBatchND", 86), entry("SpatialProduct", 87), entry("Col2Im", 88),
      entry("Segment", 89), entry("Squeeze", 90), entry("StridedSlice", 91), entry("CastLike", 92),
      entry("StringSplit", 93), entry("StringToNumber", 94), entry("TanH", 95),
      entry("TfQuantizedConv2D", 96), entry("Threshold", 97), entry("Tile", 98), entry("TopKV2", 99),
      entry("Transpose", 100), entry("UnaryOp", 101), entry("Unpack", 102), entry("Where", 103),
      entry("Moments", 104), entry("RNNSequenceGRU", 105), entry("BatchMatMul", 106),
      entry("Unsqueeze", 107), entry("CosineSimilarity", 108), entry("DepthToSpace", 109),
      entry("SpaceToDepth", 110), entry("ReverseSequence", 111), entry("Pooling3D", 112),
      entry("Convolution3D", 113), entry("MatrixBandPart", 114), entry("GatherND", 115),
      entry("DetectionPostProcess", 116), entry("UnravelIndex", 117), entry("ScatterNd", 118),
      entry("OneHot", 119), entry("BroadcastTo", 120), entry("Dilation2D", 121), entry("Interp3D", 122),
      entry("Raster", 128), entry("ConvertTensor", 129), entry("ArgMin", 130), entry("LinSpace", 131),
      entry("RandomUniform", 132), entry("TensorArray", 133), entry("TensorArraySize", 134),
      entry("TensorArrayRead", 135), entry("TensorArrayWrite", 136), entry("TensorArrayGather", 137),
      entry("TensorArrayScatter", 138), entry("TensorArraySplit", 139), entry("TensorArrayConcat", 140),
      entry("LSTMBlockCell", 141), entry("Reverse", 142), entry("ROIAlign", 143), entry("RandomNormal", 144),
      entry("TensorArrayInsert", 145), entry("TensorArrayErase", 146), entry("EyeLike", 147),
      entry("CumSum", 148), entry("Det", 149), entry("CumProd", 150), entry("ScatterElements", 151),
      entry("GatherElements", 152), entry("Svd", 153), entry("Histogram", 154), entry("DynamicQuant", 155),
      entry("Stft", 156), entry("Plugin", 256), entry("Select", 257), entry("ZerosLike", 258),
      entry("Broastcast", 259), entry("SetDiff1D", 260), entry("ReluGrad", 261), entry("Identity", 262),
      entry("PoolGrad", 263), entry("SoftmaxGrad", 264), entry("Conv2DBackPropFilter", 265),
      entry("TrainableParam", 266), entry("BatchNorm", 267), entry("ConvTranspose3D", 268),
      entry("ZeroGrad", 269), entry("Attention", 299), entry("FmhaV2", 300), entry("Fmhca", 301),
      entry("SeqLen2Spatial", 302), entry("SplitGeLU", 303), entry("GroupNorm", 304),
      entry("LinearAttention", 305), entry("RoPE", 306), entry("FusedLinear", 307),
      entry("GatedRMSNorm", 308), entry("Extra", 512), entry("ConvInt8", 513), entry("Int8ToFloat", 514),
      entry("DepthwiseConvInt8", 515), entry("FloatToInt8", 517), entry("EltwiseInt8", 518),
      entry("While", 600), entry("If", 601), entry("LayerNorm", 603), entry("GridSample", 604));

  /** OpParameter union tag by table name (0 = NONE). */
  static final Map<String, Integer> PARAMS = Map.ofEntries(
      entry("NONE", 0), entry("QuantizedAdd", 1), entry("ArgMax", 2), entry("AsString", 3), entry("Axis", 4),
      entry("BatchNorm", 5), entry("BinaryOp", 6), entry("Blob", 7), entry("CastParam", 8),
      entry("Convolution2D", 9), entry("Crop", 10), entry("CropAndResize", 11), entry("Dequantize", 12),
      entry("DetectionOutput", 13), entry("Eltwise", 14), entry("ExpandDims", 15), entry("Fill", 16),
      entry("Flatten", 17), entry("Gather", 18), entry("GatherV2", 19), entry("InnerProduct", 20),
      entry("Input", 21), entry("Interp", 22), entry("LRN", 23), entry("LSTM", 24), entry("MatMul", 25),
      entry("NonMaxSuppressionV2", 26), entry("Normalize", 27), entry("PackParam", 28), entry("Permute", 29),
      entry("Plugin", 30), entry("Pool", 31), entry("PRelu", 32), entry("PriorBox", 33),
      entry("Proposal", 34), entry("QuantizedAvgPool", 35), entry("QuantizedBiasAdd", 36),
      entry("QuantizedConcat", 37), entry("QuantizedLogistic", 38), entry("QuantizedMatMul", 39),
      entry("QuantizedMaxPool", 40), entry("QuantizedRelu", 41), entry("QuantizedRelu6", 42),
      entry("QuantizedReshape", 43), entry("QuantizedSoftmax", 44), entry("QuantizeMaxMin", 45),
      entry("QuantizeV2", 46), entry("Range", 47), entry("Rank", 48), entry("ReduceJoin", 49),
      entry("ReductionParam", 50), entry("Relu", 51), entry("Relu6", 52), entry("RequantizationRange", 53),
      entry("Requantize", 54), entry("Reshape", 55), entry("Resize", 56), entry("RoiParameters", 57),
      entry("Scale", 58), entry("Selu", 59), entry("Size", 60), entry("Slice", 61), entry("SliceTf", 62),
      entry("SpaceBatch", 63), entry("SqueezeParam", 64), entry("StridedSliceParam", 65),
      entry("TensorConvertInfo", 66), entry("TfQuantizedConv2D", 67), entry("TopKV2", 68),
      entry("Transpose", 69), entry("UnaryOp", 70), entry("MomentsParam", 71), entry("RNNParam", 72),
      entry("BatchMatMulParam", 73), entry("QuantizedFloatParam", 74), entry("DepthSpaceParam", 75),
      entry("EltwiseInt8", 76), entry("ReverseSequenceParam", 77), entry("Extra", 78), entry("Pool3D", 79),
      entry("Convolution3D", 80), entry("ELU", 81), entry("DetectionPostProcessParam", 82),
      entry("OneHotParam", 83), entry("PadParam", 84), entry("WhileParam", 85), entry("IfParam", 86),
      entry("RandomUniform", 87), entry("LayerNorm", 88), entry("TensorArray", 89),
      entry("LSTMBlockCell", 90), entry("GridSample", 91), entry("LoopParam", 92),
      entry("ImageProcessParam", 93), entry("CumSum", 94), entry("GroupNorm", 95), entry("FmhaV2Param", 96),
      entry("FmhcaParam", 97), entry("AttentionParam", 98), entry("StftParam", 99),
      entry("LinearAttentionParam", 100), entry("ShapeParam", 101), entry("RoPEParam", 102),
      entry("FusedLinearParam", 103));

  static final Map<Integer, String> OP_TYPE_NAMES = invert(OP_TYPES);
  static final Map<Integer, String> PARAM_NAMES = invert(PARAMS);

  private static Map<Integer, String> invert(Map<String, Integer> m) {
    Map<Integer, String> r = new HashMap<>();
    m.forEach((k, v) -> r.put(v, k));
    return Map.copyOf(r);
  }

  static int opType(String name) {
    return OP_TYPES.get(name);
  }

  static int param(String name) {
    return PARAMS.get(name);
  }

  // Net
  static final int NET_FIELDS = 12;
  static final int NET_EXTRA_TENSOR_DESCRIBE = 1;
  static final int NET_OPLISTS = 3;
  static final int NET_OUTPUT_NAME = 4;
  static final int NET_SOURCE_TYPE = 6;
  static final int NET_TENSOR_NAME = 7;
  static final int NET_TENSOR_NUMBER = 8;
  static final byte SOURCE_ONNX = 3;

  // TensorDescribe
  static final int DESCRIBE_FIELDS = 5;
  static final int DESCRIBE_INDEX = 1;
  static final int DESCRIBE_QUANT_INFO = 4;
  // TensorQuantInfo
  static final int QUANT_INFO_FIELDS = 5;
  static final int QUANT_INFO_SCALE = 0;
  static final int QUANT_INFO_MIN = 2;
  static final int QUANT_INFO_MAX = 3;
  static final int QUANT_INFO_TYPE = 4;

  // Op
  static final int OP_FIELDS = 8;
  static final int OP_INPUT_INDEXES = 0;
  static final int OP_MAIN_TYPE = 1;
  static final int OP_MAIN = 2;
  static final int OP_NAME = 3;
  static final int OP_OUTPUT_INDEXES = 4;
  static final int OP_TYPE = 5;
  static final int OP_DEFAULT_FORMAT = 6;
  static final int OP_EXTERNAL_PATH = 7;

  // MNN_DATA_FORMAT
  static final int NCHW = 0;
  static final int NHWC = 1;
  static final int NC4HW4 = 2;

  // DataType
  static final int DT_FLOAT = 1;
  static final int DT_INT32 = 3;
  static final int DT_UINT8 = 4;
  static final int DT_INT8 = 6;
  static final int DT_INT64 = 9;
  static final int DT_BOOL = 10;
  static final int DT_HALF = 19;
}
