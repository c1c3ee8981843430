package dev.mobilize.service;

import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/** A model ready to run, made by {@link GraphExecutor#prepare}. Close it to free its buffers. */
@ProviderType
public interface PreparedModel extends AutoCloseable {

  /** The inputs it expects, with their (resolved) shapes. */
  List<ValueInfo> inputs();

  /** The outputs it computes. */
  List<ValueInfo> outputs();

  /**
   * Runs once.
   *
   * @param inputs a tensor for each input, by name
   * @return a tensor for each output, by name, in output order
   * @throws MobilizeException for missing or mis-shaped inputs, naming the input
   */
  Map<String, Tensor> run(Map<String, Tensor> inputs);

  /**
   * The most bytes of activations (intermediate values) held at once by the memory plan, or -1
   * when the executor does not know.
   */
  default long peakActivationBytes() {
    return -1;
  }

  /**
   * Time spent in each node during the last {@link #run}, in graph order, when the model was
   * prepared with the option {@value #PROFILE}{@code =true}; empty otherwise.
   */
  default List<NodeTiming> lastProfile() {
    return List.of();
  }

  /** Option of {@link GraphExecutor#prepare}: record {@link #lastProfile()}. */
  String PROFILE = "profile";

  /** Option of {@link GraphExecutor#prepare}: number of threads (default: available processors). */
  String THREADS = "threads";

  /**
   * How long one node took.
   *
   * @param node the node name ({@link dev.mobilize.ir.Node#describe()} form when it has none)
   * @param opType its operator type
   * @param nanos wall time of its last run
   */
  record NodeTiming(String node, String opType, long nanos) {}

  @Override
  void close();
}
