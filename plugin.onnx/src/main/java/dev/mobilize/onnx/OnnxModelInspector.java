package dev.mobilize.onnx;

import dev.mobilize.ir.Model;
import dev.mobilize.onnx.cost.NodeCosts;
import dev.mobilize.onnx.shape.ShapeInference;
import dev.mobilize.service.ModelInspector;
import dev.mobilize.service.NodeCost;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/** Shape inference and node costs with ONNX operator semantics, for models of any format. */
@Component(service = ModelInspector.class)
public class OnnxModelInspector implements ModelInspector {

  @Override
  public Model inferShapes(Model model) {
    return new ShapeInference().infer(model);
  }

  @Override
  public List<NodeCost> costs(Model model) {
    return NodeCosts.of(model.graph());
  }
}
