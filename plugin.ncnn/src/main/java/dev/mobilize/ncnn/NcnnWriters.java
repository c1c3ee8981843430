package dev.mobilize.ncnn;

import static java.util.Map.entry;

import java.util.Map;

/**
 * Every IR operator the ncnn exporter writes, in one table: op type (mobilize and ncnn domain ops
 * with their domain prefix) to writer. An op missing here is reported by the pre-flight check.
 */
final class NcnnWriters {

  private NcnnWriters() {}

  static final Map<String, NcnnLayerWriter> TABLE = Map.ofEntries(
      entry("Conv", new NcnnConvWriter()),
      entry("mobilize.FusedConv", new NcnnConvWriter()),
      entry("ConvTranspose", new NcnnDeconvWriter()),
      entry("mobilize.FusedConvTranspose", new NcnnDeconvWriter()),
      entry("Resize", new NcnnInterpWriter()),
      entry("Pad", new NcnnPaddingWriter()),
      entry("LayerNormalization", new NcnnLayerNormWriter()),
      entry("Gemm", new NcnnInnerProductWriter()),
      entry("mobilize.FusedGemm", new NcnnInnerProductWriter()),
      entry("MatMul", new NcnnMatMulWriter()),
      entry("MaxPool", new NcnnPoolWriter(true, false)),
      entry("AveragePool", new NcnnPoolWriter(false, false)),
      entry("GlobalMaxPool", new NcnnPoolWriter(true, true)),
      entry("GlobalAveragePool", new NcnnPoolWriter(false, true)),
      entry("BatchNormalization", new NcnnBatchNormWriter()),
      entry("InstanceNormalization", new NcnnInstanceNormWriter()),
      entry("Add", new NcnnBinaryOpWriter(0, 0)),
      entry("Sub", new NcnnBinaryOpWriter(1, 7)),
      entry("Mul", new NcnnBinaryOpWriter(2, 2)),
      entry("Div", new NcnnBinaryOpWriter(3, 8)),
      entry("Max", new NcnnBinaryOpWriter(4, 4)),
      entry("Min", new NcnnBinaryOpWriter(5, 5)),
      entry("Pow", new NcnnBinaryOpWriter(6, 9)),
      entry("Relu", new NcnnActivationWriter()),
      entry("LeakyRelu", new NcnnActivationWriter()),
      entry("Clip", new NcnnActivationWriter()),
      entry("Sigmoid", new NcnnActivationWriter()),
      entry("Tanh", new NcnnActivationWriter()),
      entry("HardSigmoid", new NcnnActivationWriter()),
      entry("HardSwish", new NcnnActivationWriter()),
      entry("Mish", new NcnnActivationWriter()),
      entry("Elu", new NcnnActivationWriter()),
      entry("Selu", new NcnnActivationWriter()),
      entry("Gelu", new NcnnActivationWriter()),
      entry("Erf", new NcnnActivationWriter()),
      entry("Softplus", new NcnnActivationWriter()),
      entry("DepthToSpace", new NcnnPixelShuffleWriter()),
      entry("LRN", new NcnnLrnWriter()),
      entry("PRelu", new NcnnPReluWriter()),
      entry("Abs", new NcnnUnaryOpWriter(0)),
      entry("Neg", new NcnnUnaryOpWriter(1)),
      entry("Floor", new NcnnUnaryOpWriter(2)),
      entry("Ceil", new NcnnUnaryOpWriter(3)),
      entry("Sqrt", new NcnnUnaryOpWriter(5)),
      entry("Exp", new NcnnUnaryOpWriter(7)),
      entry("Log", new NcnnUnaryOpWriter(8)),
      entry("Sin", new NcnnUnaryOpWriter(9)),
      entry("Cos", new NcnnUnaryOpWriter(10)),
      entry("Reciprocal", new NcnnUnaryOpWriter(15)),
      entry("Concat", new NcnnConcatWriter()),
      entry("Softmax", new NcnnSoftmaxWriter()),
      entry("Reshape", new NcnnReshapeWriter()),
      entry("Flatten", new NcnnReshapeWriter()),
      entry("Squeeze", new NcnnReshapeWriter()),
      entry("Unsqueeze", new NcnnReshapeWriter()),
      entry("Transpose", new NcnnTransposeWriter()),
      entry("Slice", new NcnnSliceWriter()),
      entry("Split", new NcnnSplitWriter()),
      entry("ReduceSum", new NcnnReductionWriter(0)),
      entry("ReduceSumSquare", new NcnnReductionWriter(2)),
      entry("ReduceMean", new NcnnReductionWriter(3)),
      entry("ReduceMax", new NcnnReductionWriter(4)),
      entry("ReduceMin", new NcnnReductionWriter(5)),
      entry("ReduceProd", new NcnnReductionWriter(6)),
      entry("ReduceL1", new NcnnReductionWriter(7)),
      entry("ReduceL2", new NcnnReductionWriter(8)),
      entry("ReduceLogSum", new NcnnReductionWriter(9)),
      entry("ReduceLogSumExp", new NcnnReductionWriter(10)),
      entry("ncnn.ShuffleChannel", new NcnnShuffleChannelWriter()),
      entry("ncnn.GroupNorm", new NcnnGroupNormWriter()),
      entry("ncnn.LSTM", new NcnnRecurrentWriter()),
      entry("ncnn.GRU", new NcnnRecurrentWriter()),
      entry("LSTM", new NcnnUnloweredRecurrentWriter()),
      entry("GRU", new NcnnUnloweredRecurrentWriter()));

  /** The table key of a node: its op type, prefixed with its domain outside the ONNX domain. */
  static String key(dev.mobilize.ir.Node node) {
    return node.domain().isEmpty() ? node.opType() : node.domain() + "." + node.opType();
  }
}
