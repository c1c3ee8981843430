package dev.mobilize.ncnn;

import static java.util.Map.entry;

import java.util.Map;

/** Every ncnn layer type the importer reads, in one table. A type missing here is a reported error. */
final class NcnnReaders {

  private NcnnReaders() {}

  static final Map<String, NcnnLayerReader> TABLE = Map.ofEntries(
      entry("Input", new NcnnInputReader()),
      entry("MemoryData", new NcnnMemoryDataReader()),
      entry("Convolution", new NcnnConvReader(false)),
      entry("ConvolutionDepthWise", new NcnnConvReader(true)),
      entry("Deconvolution", new NcnnDeconvReader(false)),
      entry("DeconvolutionDepthWise", new NcnnDeconvReader(true)),
      entry("Interp", new NcnnInterpReader()),
      entry("Padding", new NcnnPaddingReader()),
      entry("LayerNorm", new NcnnLayerNormReader()),
      entry("GroupNorm", new NcnnGroupNormReader()),
      entry("InnerProduct", new NcnnInnerProductReader()),
      entry("Pooling", new NcnnPoolingReader()),
      entry("BatchNorm", new NcnnBatchNormReader()),
      entry("InstanceNorm", new NcnnInstanceNormReader()),
      entry("BinaryOp", new NcnnBinaryOpReader()),
      entry("UnaryOp", new NcnnUnaryOpReader()),
      entry("ReLU", new NcnnActivationReader("ReLU")),
      entry("Clip", new NcnnActivationReader("Clip")),
      entry("Sigmoid", new NcnnActivationReader("Sigmoid")),
      entry("TanH", new NcnnActivationReader("TanH")),
      entry("Mish", new NcnnActivationReader("Mish")),
      entry("Swish", new NcnnActivationReader("Swish")),
      entry("HardSigmoid", new NcnnActivationReader("HardSigmoid")),
      entry("HardSwish", new NcnnActivationReader("HardSwish")),
      entry("ELU", new NcnnActivationReader("ELU")),
      entry("SELU", new NcnnActivationReader("SELU")),
      entry("GELU", new NcnnActivationReader("GELU")),
      entry("Erf", new NcnnActivationReader("Erf")),
      entry("Softplus", new NcnnActivationReader("Softplus")),
      entry("PixelShuffle", new NcnnPixelShuffleReader()),
      entry("LRN", new NcnnLrnReader()),
      entry("PReLU", new NcnnPReluReader()),
      entry("Split", new NcnnPassThroughReader()),
      entry("Noop", new NcnnPassThroughReader()),
      entry("Dropout", new NcnnPassThroughReader()),
      entry("Concat", new NcnnConcatReader()),
      entry("Softmax", new NcnnSoftmaxReader()),
      entry("Reshape", new NcnnReshapeReader()),
      entry("Flatten", new NcnnReshapeReader()),
      entry("Permute", new NcnnPermuteReader()),
      entry("Crop", new NcnnCropReader()),
      entry("Slice", new NcnnSliceReader()),
      entry("ShuffleChannel", new NcnnShuffleChannelReader()),
      entry("Reduction", new NcnnReductionReader()),
      entry("LSTM", new NcnnRecurrentReader(true)),
      entry("GRU", new NcnnRecurrentReader(false)));
}
