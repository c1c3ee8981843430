package dev.mobilize.ncnn;

import dev.mobilize.ir.Model;
import dev.mobilize.service.ConstantFolder;
import dev.mobilize.service.GraphExecutor;
import dev.mobilize.service.GraphPass;
import dev.mobilize.service.ModelInspector;
import dev.mobilize.service.Options;
import dev.mobilize.service.PassContext;
import java.util.List;

/**
 * The way from any IR model to what the ncnn writers expect: fixed input shapes (the batch is 1,
 * since ncnn has none), inferred static shapes, then the ncnn lowering passes in order.
 */
final class NcnnLowering {

  private final ConstantFolder folder;
  private final List<GraphPass> passes;

  NcnnLowering(ModelInspector inspector, GraphExecutor executor) {
    this.folder = new ConstantFolder(inspector, executor);
    this.passes = List.of(
        new LowerQdqToInt8(),             // first: constant folding would dequantize int8 weights
        new DropIdentities(),
        new FoldShapeSubgraphs(executor), // needs shapes; turns Shape chains into constants
        new DropIdentities(),             // Casts that folding left as copies
        new RecognizeShuffleChannel(),    // after folding: its Reshapes are static then
        new RecognizeGroupNorm(),         // likewise
        new LowerRecurrent());            // needs static shapes to follow X and Y to batch-1 values
  }

  Model lower(Model model, Options options) {
    // the batch is 1 where it is symbolic: ncnn has none
    Model m = folder.inferShapes(ConstantFolder.withInputShapes(model,
        options.getShapes("input-shape")));
    PassContext ctx = PassContext.of(options, "ncnn");
    for (GraphPass p : passes) {
      GraphPass.PassResult r = p.apply(m, ctx);
      if (r.rewrites() > 0) {
        m = folder.inferShapes(r.model());
      }
    }
    return m;
  }
}
