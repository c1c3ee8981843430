package dev.mobilize.cpu;

import dev.mobilize.ir.Graph;
import java.util.Set;

/** What a kernel may look at while it prepares a node: constant inputs, the opset, subgraphs. */
interface Binding {

  /** Input {@code i} when it is a constant (initializer or Constant node), else null. */
  NdArray constant(int i);

  /** The default-domain opset of the model. */
  long opset();

  /** Prepares a subgraph (the body of If or Loop), which may read values of enclosing graphs. */
  Program compile(Graph subgraph);

  /** Names visible from enclosing scopes (for subgraph capture checks). */
  Set<String> scope();
}
