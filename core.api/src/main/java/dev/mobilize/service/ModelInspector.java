package dev.mobilize.service;

import dev.mobilize.ir.Model;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Knows what operators compute: infers the type and shape of every value, and what each node
 * costs. Provided by the plugin that holds the operator schemas (ONNX semantics); used by
 * importers of other formats after import, and by the {@code info} and {@code analyze} commands.
 *
 * <p>Example: {@code Model typed = inspector.inferShapes(model);} then
 * {@code typed.graph().info("conv1_out")} has a static shape when the inputs are fixed.
 */
@ProviderType
public interface ModelInspector {

  /**
   * Infers the type and shape of every value wherever the inputs allow it; symbolic dimensions keep
   * their names. Constant shape computations (Shape, Gather, Concat, ... on known shapes) are
   * evaluated, so that PyTorch's Shape → Gather → Concat → Reshape chains give static shapes.
   *
   * @throws MobilizeException when shapes contradict each other (SHAPE_MISMATCH), naming the node
   */
  Model inferShapes(Model model);

  /**
   * The cost of every node of the main graph, in graph order. Shapes must be inferred first;
   * nodes whose shapes are unknown have cost -1 in the fields that depend on them.
   */
  List<NodeCost> costs(Model model);
}
