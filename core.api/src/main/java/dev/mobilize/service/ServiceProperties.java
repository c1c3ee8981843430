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
}
