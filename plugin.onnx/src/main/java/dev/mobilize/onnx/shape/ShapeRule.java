package dev.mobilize.onnx.shape;

/**
 * Infers the output types and shapes of one kind of node from what is known about its inputs.
 * A rule sets what it can through {@link NodeContext#output}; outputs it does not set stay unknown.
 * Contradictory inputs are reported with {@link NodeContext#mismatch(String)}.
 */
@FunctionalInterface
interface ShapeRule {

  void infer(NodeContext node);
}
