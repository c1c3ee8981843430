package dev.mobilize.ncnn;

import dev.mobilize.ir.Dim;
import dev.mobilize.ir.FusedOps;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.GraphExecutor;
import dev.mobilize.service.GraphPass;
import dev.mobilize.service.MobilizeException;
import dev.mobilize.service.ModelInspector;
import dev.mobilize.service.Options;
import dev.mobilize.service.PassContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The way from any IR model to what the ncnn writers expect: fixed input shapes (the batch is 1,
 * since ncnn has none), inferred static shapes, then the ncnn lowering passes in order.
 */
final class NcnnLowering {

  private final ModelInspector inspector;
  private final List<GraphPass> passes;

  NcnnLowering(ModelInspector inspector, GraphExecutor executor) {
    this.inspector = inspector;
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
    Model m = infer(withInputShapes(model, options));
    PassContext ctx = PassContext.of(options, "ncnn");
    for (GraphPass p : passes) {
      GraphPass.PassResult r = p.apply(m, ctx);
      if (r.rewrites() > 0) {
        m = infer(r.model());
      }
    }
    return m;
  }

  /** Shape inference, with fused ops seen as their base ops (the inspector knows ONNX ops only). */
  Model infer(Model model) {
    Graph g = model.graph();
    Graph plain = g.toBuilder().nodes(g.nodes().stream().map(FusedOps::withoutActivation).toList()).build();
    Graph typed = inspector.inferShapes(model.withGraph(plain)).graph();
    return model.withGraph(g.toBuilder().inputs(typed.inputs()).outputs(typed.outputs())
        .valueInfos(typed.valueInfo()).build());
  }

  /**
   * Inputs with the shapes of the {@code input-shape} option ({@code name:1,3,224,224;other:...}),
   * and a symbolic first dimension set to 1 (ncnn has no batch).
   */
  static Model withInputShapes(Model model, Options options) {
    Map<String, long[]> given = InputShapes.parse(options.get("input-shape", ""));
    Graph g = model.graph();
    List<ValueInfo> inputs = new ArrayList<>();
    for (ValueInfo in : g.inputs()) {
      Shape s = in.shape();
      if (given.containsKey(in.name())) {
        s = Shape.of(given.get(in.name()));
      } else if (s.hasRank() && s.rank() > 0 && !s.dim(0).isFixed()) {
        List<Dim> d = new ArrayList<>(s.dimList());
        d.set(0, Dim.of(1));
        s = Shape.of(d);
      }
      inputs.add(in.withShape(s));
    }
    for (String name : given.keySet()) {
      if (inputs.stream().noneMatch(i -> i.name().equals(name))) {
        throw new MobilizeException(ErrorCode.INVALID_ARGUMENT, "input-shape names '" + name
            + "', which is not an input; inputs are " + inputs.stream().map(ValueInfo::name).toList());
      }
    }
    return model.withGraph(g.toBuilder().inputs(inputs).build());
  }
}
