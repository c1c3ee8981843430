package dev.mobilize.cpu;

import dev.mobilize.ir.Model;
import dev.mobilize.service.GraphExecutor;
import dev.mobilize.service.MobilizeException;
import dev.mobilize.service.Options;
import dev.mobilize.service.PreparedModel;
import dev.mobilize.service.Problem;
import dev.mobilize.service.ServiceProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * The Java CPU executor: ONNX-semantics kernels (see {@link Kernels#TABLE}), prepare-time constant
 * folding, weight packing and Conv/BatchNormalization/activation fusion (dequantized constant weights
 * of the ops that stay float folded first, {@link FoldDequantizedConstants}), int8 kernels for the QDQ
 * patterns of quantized graphs ({@link FuseQdqForCpu}), inverted-residual blocks run band by band
 * ({@link FuseBlocksForCpu}), pooled buffers, and a thread pool per
 * prepared model.
 *
 * <p>Options: {@code threads} (default: available processors).
 *
 * <p>Example:
 * <pre>{@code
 * try (PreparedModel p = new CpuGraphExecutor().prepare(model, Options.of(Map.of("threads", "2")))) {
 *   Tensor y = p.run(Map.of("input", x)).get("output");
 * }
 * }</pre>
 */
@Component(service = GraphExecutor.class, property = ServiceProperties.EXECUTOR + "=cpu")
public class CpuGraphExecutor implements GraphExecutor {

  /** Option: number of threads a prepared model uses. */
  public static final String THREADS = "threads";

  @Override
  public String name() {
    return "cpu";
  }

  @Override
  public CpuPreparedModel prepare(Model model, Options options) {
    int threads = options.getInt(THREADS, Runtime.getRuntime().availableProcessors());
    if (threads < 1) {
      throw new MobilizeException(dev.mobilize.service.ErrorCode.INVALID_ARGUMENT,
          "option 'threads' must be at least 1, got " + threads);
    }
    List<Problem> problems = new ArrayList<>();
    problems.addAll(SupportedTypes.check(model.graph()));
    var graph = FuseForCpu.apply(FoldDequantizedConstants.apply(FuseQdqForCpu.apply(model.graph())));
    if (FuseBlocksForCpu.enabled()) {
      graph = FuseBlocksForCpu.apply(graph);
    }
    Program program = Program.compile(graph, model.opset(), Set.of(), Kernels.TABLE, problems);
    if (!problems.isEmpty()) {
      long unsupported = problems.stream().filter(p -> p.code() == dev.mobilize.service.ErrorCode.UNSUPPORTED_OP).count();
      throw MobilizeException.ofProblems("the cpu executor cannot run " + problems.size() + " node(s)"
          + (unsupported > 0 ? " (" + unsupported + " unsupported)" : "") + ":", problems);
    }
    return new CpuPreparedModel(model.graph(), program, threads, options.getBoolean(PreparedModel.PROFILE, false));
  }
}
