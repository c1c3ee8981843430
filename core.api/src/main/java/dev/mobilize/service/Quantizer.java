package dev.mobilize.service;

import dev.mobilize.ir.Model;
import dev.mobilize.ir.Tensor;
import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Post-training quantization: int8 with calibration (the QDQ form of docs/QUANTIZATION.md) and
 * float16 weights. Unlike a {@link GraphPass} it runs the model (to measure activation ranges and
 * the accuracy it costs), so it is a service of its own. Give it an optimized model: fused
 * convolutions then get one scale for their activated output.
 *
 * <p>Example:
 * <pre>{@code
 * Options o = Options.of(Map.of(Quantizer.CALIB, "calib_images.pb", Quantizer.METHOD, "kl"));
 * Quantizer.Result r = quantizer.quantizeInt8(model, o, Quantizer.Progress.NONE);
 * r.report().outputs().get(0).cosine();  // e.g. 0.9995
 * }</pre>
 */
@ProviderType
public interface Quantizer {

  /** Option: calibration data, a folder of images (JPEG/PNG) or tensor files, or one batch tensor file. */
  String CALIB = "calib";
  /**
   * Option: how activation ranges are chosen: {@code kl} (default), {@code minmax}, {@code percentile}, {@code mse},
   * or {@code eq} (kl, then each scale searched against the model's outputs; slower).
   */
  String METHOD = "calib-method";
  /** Option: comma-separated node names (or output value names) that stay float. */
  String KEEP_FLOAT = "keep-float";
  /** Option: the largest accepted accuracy drop in percentage points; more sensitive layers stay float until it holds. */
  String MAX_ACCURACY_DROP = "max-accuracy-drop";
  /**
   * Option: the lowest accepted cosine similarity to float of every output on every measured sample (e.g.
   * {@code 0.99}); more sensitive layers stay float until it holds. With {@link #MAX_ACCURACY_DROP} both must hold.
   */
  String MIN_COSINE = "min-cosine";
  /** Option: rank layers by the accuracy lost when only that layer is quantized. */
  String SENSITIVITY = "sensitivity";
  /** Option: data to measure accuracy on (same forms as {@link #CALIB}); default the calibration data. */
  String VALIDATE = "validate";
  /** Option, images: resize to {@code W,H} (default: the model input's size). */
  String RESIZE = "resize";
  /** Option, images: per-channel values subtracted from 0..255 pixels, e.g. {@code 123.7,116.3,103.5}. */
  String MEAN = "mean";
  /** Option, images: per-channel factors applied after the mean, e.g. {@code 0.0171,0.0175,0.0174}. */
  String NORM = "norm";
  /** Option, images: channel order {@code rgb} (default), {@code bgr} or {@code gray}. */
  String COLOR = "color";
  /**
   * Option: comma-separated ONNX op types (e.g. {@code MaxPool,Add,Concat}) quantized as well, in the ONNX
   * Runtime QDQ style: a Q→DQ pair on each data input and on the output (pooling and Relu keep their
   * input's scale). Default: none (docs/QUANTIZATION.md).
   */
  String INT8_OPS = "int8-ops";
  /**
   * Option: {@code all} puts a Q→DQ pair on the output of every quantized op, not only on those that feed
   * another quantized op or are graph outputs. Default: {@code needed}.
   */
  String INT8_OUTPUTS = "int8-outputs";
  /**
   * Option: {@code asymmetric} quantizes an activation that is never negative on the calibration data (a
   * ReLU's output) from zero point -128 with scale T / 255, so its 0..T use all 256 int8 values;
   * {@code symmetric} (default) gives every activation zero point 0 and scale T / 127.
   */
  String ACTIVATIONS = "activations";

  /**
   * Quantizes an (optimized) float model to int8 QDQ and measures what it costs.
   *
   * @param options at least {@link #CALIB}
   * @throws MobilizeException for missing or mis-shaped calibration data, naming the file and input
   */
  Result quantizeInt8(Model model, Options options, Progress progress);

  /** Stores the float weights as float16 (a FLOAT16 initializer and a Cast to FLOAT). */
  Model storeWeightsFloat16(Model model, Options options);

  /** Told about long phases (calibration, measurement), for a progress bar. */
  @ConsumerType
  interface Progress {
    /** Nothing shown. */
    Progress NONE = (phase, done, total) -> {};

    /** {@code done} of {@code total} steps of {@code phase} are finished. */
    void update(String phase, long done, long total);
  }

  /**
   * The quantized model and the evidence.
   *
   * @param model the QDQ model
   * @param report how it compares with the float model
   * @param sample one input from the data the report was measured on, for checking a converted file
   *     on the values the model was calibrated for (random inputs leave the calibrated ranges)
   */
  record Result(Model model, Report report, Map<String, Tensor> sample) {}

  /**
   * Accuracy of the int8 model against the float one.
   *
   * @param method the calibration method
   * @param calibrationSamples how many samples set the scales
   * @param measuredOn what the figures were measured on (the calibration or the validation data)
   * @param samples how many samples the figures cover
   * @param outputs per model output
   * @param layers per quantized layer, in graph order
   * @param sensitivity layers by the drop each causes alone, largest first (empty unless asked)
   * @param keptFloat the nodes left in float (asked for, or by the accuracy budget)
   * @param accuracyDrop the drop in percentage points: of top-1 agreement for classifiers, else
   *     100·(1 − cosine) of the worst output
   */
  record Report(String method, int calibrationSamples, String measuredOn, int samples, List<OutputAccuracy> outputs,
      List<LayerError> layers, List<Sensitivity> sensitivity, List<String> keptFloat, double accuracyDrop) {
    public Report {
      outputs = List.copyOf(outputs);
      layers = List.copyOf(layers);
      sensitivity = List.copyOf(sensitivity);
      keptFloat = List.copyOf(keptFloat);
    }
  }

  /**
   * One output over all samples.
   *
   * @param output the output name
   * @param cosine cosine similarity of int8 to float over all samples together
   * @param worstSampleCosine the lowest cosine similarity of a single sample
   * @param maxAbsError the largest absolute difference
   * @param top1Agreement the share of samples whose arg-max agrees (NaN when the output is not a class vector)
   * @param flipMargin over the samples whose arg-max flipped, the median float margin between the float top
   *     class and the one int8 chose, as a share of the sample's float score range (NaN when none flipped); a
   *     few percent or less means the flips were near ties of the float model (as on random inputs)
   */
  record OutputAccuracy(String output, double cosine, double worstSampleCosine, double maxAbsError,
      double top1Agreement, double flipMargin) {}

  /**
   * The error a quantized layer adds.
   *
   * @param node the node name
   * @param opType its operator
   * @param cosine cosine of its (activated) output in the int8 model to the float one
   * @param addedError how much that cosine fell below the worst cosine of its inputs
   */
  record LayerError(String node, String opType, double cosine, double addedError) {}

  /**
   * The cost of quantizing one layer alone.
   *
   * @param node the node name
   * @param opType its operator
   * @param accuracyDrop the drop (as in {@link Report#accuracyDrop}) with only this layer in int8
   * @param cosine the lowest cosine of an output on a sample with only this layer in int8
   */
  record Sensitivity(String node, String opType, double accuracyDrop, double cosine) {}
}
