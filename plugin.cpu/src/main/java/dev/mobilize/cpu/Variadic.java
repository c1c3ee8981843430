package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** Sum, Max, Min and Mean: a binary function folded over all inputs with broadcasting. */
final class Variadic implements Kernel {

  private final Binary.F f;
  private final Binary.L l;
  private final boolean mean;

  Variadic(Binary.F f, Binary.L l, boolean mean) {
    this.f = f;
    this.l = l;
    this.mean = mean;
  }

  @Override
  public Step bind(Node node, Binding binding) {
    return (in, ex) -> {
      NdArray acc = in[0];
      if (in.length == 1) {
        acc = Layout.copyOf(acc, ex);
      }
      for (int i = 1; i < in.length; i++) {
        NdArray next = Binary.apply(node, acc, in[i], f, l, false, ex);
        if (i > 1) {
          ex.release(acc.data());
        }
        acc = next;
      }
      if (mean) {
        float k = in.length;
        for (int i = 0; i < acc.f.length; i++) {
          acc.f[i] /= k;
        }
      }
      return new NdArray[] {acc};
    };
  }
}
