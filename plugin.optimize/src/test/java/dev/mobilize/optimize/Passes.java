package dev.mobilize.optimize;

import dev.mobilize.cpu.CpuGraphExecutor;
import dev.mobilize.ir.FusedOps;
import dev.mobilize.ir.Model;
import dev.mobilize.onnx.shape.ShapeInference;
import dev.mobilize.service.GraphPass;
import dev.mobilize.service.Options;
import dev.mobilize.service.PassContext;
import java.util.List;
import java.util.Set;

/** The default pipeline as tests run it: the CPU executor for folding, ONNX shape inference. */
final class Passes {

  private Passes() {}

  static final Set<String> NONE = Set.of();
  static final Set<String> CPU = Set.of(FusedOps.FUSED_CONV, FusedOps.FUSED_GEMM);

  static List<GraphPass> defaults() {
    return Pipeline.defaults(new CpuGraphExecutor());
  }

  static Model infer(Model m) {
    return new ShapeInference().infer(m);
  }

  static Pipeline.Result optimize(Model m, Set<String> expressible) {
    return Pipeline.run(m, defaults(), expressible, PassContext.of(Options.NONE), Passes::infer);
  }
}
