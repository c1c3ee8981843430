package dev.mobilize.mace;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.mobilize.cpu.CpuGraphExecutor;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Tensor;
import dev.mobilize.onnx.OnnxModelInspector;
import dev.mobilize.optimize.OptimizePasses;
import dev.mobilize.service.GraphPass;
import dev.mobilize.service.Options;
import dev.mobilize.service.PassContext;
import dev.mobilize.service.PreparedModel;
import dev.mobilize.testing.ReferenceData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.osgi.framework.BundleContext;

/** Test wiring: exporter and importer with the real inspector and CPU executor; the default optimizer pipeline. */
final class Mace {

  private Mace() {}

  static final OnnxModelInspector INSPECTOR = new OnnxModelInspector();
  static final CpuGraphExecutor EXECUTOR = new CpuGraphExecutor();

  static MaceExporter exporter() {
    return new MaceExporter(INSPECTOR, EXECUTOR);
  }

  static MaceImporter importer() {
    return new MaceImporter(INSPECTOR);
  }

  static Map<String, Tensor> run(Model m, Map<String, Tensor> inputs) {
    try (PreparedModel p = EXECUTOR.prepare(m, Options.of(Map.of("threads", "2")))) {
      return p.run(inputs);
    }
  }

  static Map<String, Tensor> read(Path set, String prefix, List<String> names) {
    return ReferenceData.read(set, prefix, names);
  }

  static double relativeError(Tensor actual, Tensor reference) {
    return ReferenceData.relativeError(actual, reference);
  }

  /** The optimizer's default passes in their registered order (as convert runs them), from its component. */
  @SuppressWarnings("unchecked")
  static List<GraphPass> defaultPasses() {
    BundleContext context = mock(BundleContext.class);
    TreeMap<Integer, GraphPass> ordered = new TreeMap<>();
    when(context.registerService(eq(GraphPass.class), any(GraphPass.class), any(Dictionary.class)))
        .thenAnswer(inv -> {
          Dictionary<String, Object> props = inv.getArgument(2);
          ordered.put((Integer) props.get(OptimizePasses.ORDER), inv.getArgument(1));
          return null;
        });
    new OptimizePasses(context, EXECUTOR);
    return new ArrayList<>(ordered.values());
  }

  /** Runs the passes that MACE's exporter can take to a fixed point, as convert does. */
  static Model optimize(Model m) {
    List<GraphPass> passes = defaultPasses().stream()
        .filter(p -> exporter().expresses().containsAll(p.produces())).toList();
    Model cur = INSPECTOR.inferShapes(m);
    for (int round = 0; round < 12; round++) {
      int changes = 0;
      for (GraphPass p : passes) {
        GraphPass.PassResult r = p.apply(cur, PassContext.of(Options.NONE, "mace"));
        if (r.rewrites() > 0) {
          cur = INSPECTOR.inferShapes(r.model());
          changes += r.rewrites();
        }
      }
      if (changes == 0) {
        return cur;
      }
    }
    throw new AssertionError("passes did not converge");
  }
}
