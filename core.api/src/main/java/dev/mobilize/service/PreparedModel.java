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

  @Override
  void close();
}
