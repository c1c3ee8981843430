package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/**
 * One ONNX operator. At prepare time {@link #bind} reads the node's attributes (and constant inputs,
 * for example to pre-pack weights) and returns the {@link Step} that computes the node's outputs
 * from its inputs at run time.
 */
interface Kernel {

  /**
   * Prepares one node.
   *
   * @throws dev.mobilize.service.MobilizeException naming the node for attribute values it cannot run
   */
  Step bind(Node node, Binding binding);

  /** A prepared node: inputs in (null for omitted optional inputs), outputs out. */
  @FunctionalInterface
  interface Step {
    NdArray[] run(NdArray[] inputs, Exec exec);
  }
}
