package dev.mobilize.mnn;

import static java.util.Map.entry;

import dev.mobilize.ir.FusedOps;
import java.util.Map;

/** The op writers of the MNN exporter, one per IR op type, in one table. */
final class MnnWriters {

  private MnnWriters() {}

  private static final MnnOpWriter ACTIVATION = new ActivationWriter();

  static final Map<String, MnnOpWriter> TABLE = Map.ofEntries(
      entry("Conv", new ConvolutionWriter()),
      entry(FusedOps.FUSED_CONV, new ConvolutionWriter()),
      entry("BatchNormalization", new ScaleWriter()),
      entry("MaxPool", new PoolingWriter()),
      entry("AveragePool", new PoolingWriter()),
      entry("GlobalMaxPool", new PoolingWriter()),
      entry("GlobalAveragePool", new PoolingWriter()),
      entry("Relu", ACTIVATION),
      entry("LeakyRelu", ACTIVATION),
      entry("Clip", ACTIVATION),
      entry("Sigmoid", ACTIVATION),
      entry("HardSigmoid", ACTIVATION),
      entry("HardSwish", ACTIVATION),
      entry("Tanh", ACTIVATION),
      entry("Elu", ACTIVATION),
      entry("Add", new BinaryOpWriter(BinaryOpWriter.ADD)),
      entry("Sub", new BinaryOpWriter(BinaryOpWriter.SUB)),
      entry("Mul", new BinaryOpWriter(BinaryOpWriter.MUL)),
      entry("Div", new BinaryOpWriter(BinaryOpWriter.REALDIV)),
      entry("Min", new BinaryOpWriter(BinaryOpWriter.MINIMUM)),
      entry("Max", new BinaryOpWriter(BinaryOpWriter.MAXIMUM)),
      entry("Concat", new AxisWriter("Concat", 0, true)),
      entry("Softmax", new AxisWriter("Softmax", -1, false)),
      entry("Flatten", new FlattenWriter()),
      entry("Reshape", new ReshapeWriter()),
      entry("Transpose", new PermuteWriter()),
      entry("Slice", new StridedSliceWriter()),
      entry("Shape", new ShapeWriter()),
      entry("Gather", new GatherWriter()),
      entry("Squeeze", new SqueezeWriter("Squeeze")),
      entry("Unsqueeze", new SqueezeWriter("Unsqueeze")),
      entry("Cast", new CastWriter()),
      entry("ReduceSum", new ReductionWriter(0)),
      entry("ReduceSumSquare", new ReductionWriter(2)),
      entry("ReduceMean", new ReductionWriter(3)),
      entry("ReduceMax", new ReductionWriter(4)),
      entry("ReduceMin", new ReductionWriter(5)),
      entry("ReduceProd", new ReductionWriter(6)),
      entry("Identity", new IdentityWriter()),
      entry("MatMul", new MatMulWriter()),
      entry("Gemm", new GemmWriter()));
}
