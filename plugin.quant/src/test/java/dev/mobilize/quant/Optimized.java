package dev.mobilize.quant;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.mobilize.cpu.CpuGraphExecutor;
import dev.mobilize.ir.Model;
import dev.mobilize.onnx.OnnxImporter;
import dev.mobilize.onnx.shape.ShapeInference;
import dev.mobilize.optimize.OptimizePasses;
import dev.mobilize.service.GraphPass;
import dev.mobilize.service.Options;
import dev.mobilize.service.PassContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.List;
import java.util.TreeMap;
import org.osgi.framework.BundleContext;

/**
 * A model as {@code convert --to onnx} hands it to the quantizer: imported, then the optimizer's
 * default pipeline (the passes its component registers, in their order, to a fixed point) with
 * standard operators only.
 */
final class Optimized {

  private Optimized() {}

  static Model read(Path onnx) {
    return optimize(new OnnxImporter().read(onnx, Options.NONE));
  }

  @SuppressWarnings("unchecked")
  static Model optimize(Model model) {
    TreeMap<Integer, GraphPass> ordered = new TreeMap<>();
    BundleContext context = mock(BundleContext.class);
    when(context.registerService(eq(GraphPass.class), any(GraphPass.class), any(Dictionary.class))).thenAnswer(inv -> {
      Dictionary<String, Object> props = inv.getArgument(2);
      ordered.put((Integer) props.get(OptimizePasses.ORDER), inv.getArgument(1));
      return null;
    });
    new OptimizePasses(context, new CpuGraphExecutor());
    List<GraphPass> passes = new ArrayList<>(ordered.values());
    passes.removeIf(p -> !p.produces().isEmpty());
    ShapeInference shapes = new ShapeInference();
    Model m = shapes.infer(model);
    for (int round = 0; round < 12; round++) {
      int changes = 0;
      for (GraphPass p : passes) {
        GraphPass.PassResult r = p.apply(m, PassContext.of(Options.NONE, "onnx"));
        if (r.rewrites() > 0) {
          m = shapes.infer(r.model());
          changes += r.rewrites();
        }
      }
      if (changes == 0) {
        return m;
      }
    }
    throw new AssertionError("the optimizer did not converge");
  }

}
