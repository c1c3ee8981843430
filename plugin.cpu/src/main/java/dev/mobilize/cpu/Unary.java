package dev.mobilize.cpu;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Node;

/**
 * An elementwise function of one input (Abs, Exp, Sigmoid, ...), given as a float function and,
 * for ops defined on integers, a long function. Ops with attributes build one in their own class.
 */
final class Unary implements Kernel {

  @FunctionalInterface
  interface F {
    float apply(float x);
  }

  @FunctionalInterface
  interface L {
    long apply(long x);
  }

  private final F f;
  private final L l;
  private final boolean boolOut;

  private Unary(F f, L l, boolean boolOut) {
    this.f = f;
    this.l = l;
    this.boolOut = boolOut;
  }

  /** A float-only op. */
  static Unary of(F f) {
    return new Unary(f, null, false);
  }

  /** An op on floats and integers. */
  static Unary of(F f, L l) {
    return new Unary(f, l, false);
  }

  /** A predicate on floats giving bool (f returns 1 or 0). */
  static Unary predicate(F f) {
    return new Unary(f, null, true);
  }

  /** A predicate defined on integers (and bool) only. */
  static Unary ofLong(L l) {
    return new Unary(null, l, false);
  }

  @Override
  public Step bind(Node node, Binding binding) {
    return step(node, f, l, boolOut);
  }

  static Step step(Node node, F f, L l) {
    return step(node, f, l, false);
  }

  static Step step(Node node, F f, L l, boolean boolOut) {
    return (in, ex) -> {
      NdArray x = in[0];
      int n = x.size();
      if (x.isFloat() && f != null) {
        float[] a = x.f;
        if (boolOut) {
          long[] o = ex.longs(n);
          for (int i = 0; i < n; i++) {
            o[i] = f.apply(a[i]) != 0 ? 1 : 0;
          }
          return new NdArray[] {NdArray.ofLongs(DataType.BOOL, x.shape, o)};
        }
        float[] o = ex.floats(n);
        ex.parallel.forRange(n, 32768, (from, to) -> {
          for (int i = from; i < to; i++) {
            o[i] = f.apply(a[i]);
          }
        });
        return new NdArray[] {NdArray.ofFloats(x.type, x.shape, o)};
      }
      if (x.l != null && l != null) {
        long[] a = x.l;
        long[] o = ex.longs(n);
        for (int i = 0; i < n; i++) {
          o[i] = l.apply(a[i]);
        }
        return new NdArray[] {NdArray.ofLongs(x.type, x.shape, o)};
      }
      throw Broadcast.unsupported(node, "input of type " + x.type + " is not supported");
    };
  }
}
