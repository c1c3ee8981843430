package dev.mobilize.service;

/**
 * The service properties by which Mobilize services are found in the OSGi service registry.
 *
 * <p>Example: an ncnn exporter registers with {@code mobilize.format=ncnn}; a command looks it up
 * with the filter {@code (mobilize.format=ncnn)}.
 */
public final class ServiceProperties {

  private ServiceProperties() {}

  /** The format an importer reads or an exporter writes, e.g. {@code onnx}, {@code ncnn}. */
  public static final String FORMAT = "mobilize.format";

  /** The name of a {@link GraphPass}, e.g. {@code FuseConvBatchNorm}. */
  public static final String PASS = "mobilize.pass";

  /** The file extension of a {@link TensorFormat}, e.g. {@code pb}, {@code npy}. */
  public static final String TENSOR_FORMAT = "mobilize.tensor-format";

  /** The name of a {@link GraphExecutor}, e.g. {@code cpu}. */
  public static final String EXECUTOR = "mobilize.executor";

  /**
   * Exporter property: the ops besides Conv/Gemm/MatMul that the format runs in int8, comma-separated
   * ONNX op types; {@code convert --int8} hands them to the {@link Quantizer} as {@link Quantizer#INT8_OPS}.
   * Example: TNN registers {@code mobilize.int8.ops=MaxPool,AveragePool,GlobalAveragePool,Add,Concat,Relu}.
   */
  public static final String INT8_OPS = "mobilize.int8.ops";

  /**
   * Exporter property: {@code all} when every int8 layer of the format writes int8 (so the output of every
   * quantized op needs a scale); {@code convert --int8} hands it to the {@link Quantizer} as
   * {@link Quantizer#INT8_OUTPUTS}.
   */
  public static final String INT8_OUTPUTS = "mobilize.int8.outputs";

  /**
   * Exporter property: {@code asymmetric} when the format's int8 layers take an activation zero point (a
   * never-negative tensor is then quantized from zero point -128); {@code convert --int8} hands it to the
   * {@link Quantizer} as {@link Quantizer#ACTIVATIONS}. Without it activations are symmetric (zero point 0).
   */
  public static final String INT8_ACTIVATIONS = "mobilize.int8.activations";
}
