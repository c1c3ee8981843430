package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX If: runs then_branch or else_branch (each prepared once); branches may read values of enclosing graphs. */
final class If implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    Program then = binding.compile(node.attributes().graph("then_branch"));
    Program other = binding.compile(node.attributes().graph("else_branch"));
    return (in, ex) -> {
      Program branch = in[0].getLong(0) != 0 ? then : other;
      return branch.run(new NdArray[0], ex.scope, ex);
    };
  }
}
