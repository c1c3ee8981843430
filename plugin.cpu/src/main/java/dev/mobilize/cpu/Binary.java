package dev.mobilize.cpu;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Node;

/**
 * An elementwise function of two inputs with numpy broadcasting (Add, Pow, Equal, And, ...), given
 * as a float function and, for ops defined on integers, a long function. Comparisons return bool.
 */
final class Binary implements Kernel {

  @FunctionalInterface
  interface F {
    float apply(float a, float b);
  }

  @FunctionalInterface
  interface L {
    long apply(long a, long b);
  }

  private final F f;
  private final L l;
  private final boolean boolOut;

  private Binary(F f, L l, boolean boolOut) {
    this.f = f;
    this.l = l;
    this.boolOut = boolOut;
  }

  static Binary of(F f, L l) {
    return new Binary(f, l, false);
  }

  /** A comparison: 1 for true, 0 for false, result type bool. */
  static Binary compare(F f, L l) {
    return new Binary(f, l, true);
  }

  @Override
  public Step bind(Node node, Binding binding) {
    return (in, ex) -> new NdArray[] {apply(node, in[0], in[1], f, l, boolOut, ex)};
  }

  static NdArray apply(Node node, NdArray a, NdArray b, F f, L l, boolean boolOut, Exec ex) {
    int[] shape = Broadcast.shape(node, a.shape, b.shape);
    int n = NdArray.numElements(shape);
    int[][] shapes = {a.shape, b.shape};
    boolean useFloat = f != null && (a.isFloat() || b.isFloat() || l == null);
    if (useFloat) {
      if (a.s != null || b.s != null) {
        throw Broadcast.unsupported(node, "string inputs are not supported");
      }
      float[] x = a.floats();
      float[] y = b.floats();
      if (boolOut) {
        long[] o = ex.longs(n);
        Elementwise.forEachRow(shape, shapes, ex.parallel, (off, st, out, len) -> {
          int i = off[0];
          int j = off[1];
          for (int k = 0; k < len; k++, i += st[0], j += st[1]) {
            o[out + k] = f.apply(x[i], y[j]) != 0 ? 1 : 0;
          }
        });
        return NdArray.ofLongs(DataType.BOOL, shape, o);
      }
      float[] o = ex.floats(n);
      Elementwise.forEachRow(shape, shapes, ex.parallel, (off, st, out, len) -> {
        int i = off[0];
        int j = off[1];
        if (st[0] == 1 && st[1] == 1) {
          for (int k = 0; k < len; k++) {
            o[out + k] = f.apply(x[i + k], y[j + k]);
          }
        } else if (st[0] == 1 && st[1] == 0) {
          float c = y[j];
          for (int k = 0; k < len; k++) {
            o[out + k] = f.apply(x[i + k], c);
          }
        } else {
          for (int k = 0; k < len; k++, i += st[0], j += st[1]) {
            o[out + k] = f.apply(x[i], y[j]);
          }
        }
      });
      return NdArray.ofFloats(a.isFloat() ? a.type : b.type, shape, o);
    }
    if (l == null || a.l == null || b.l == null) {
      throw Broadcast.unsupported(node, "inputs of type " + a.type + " and " + b.type + " are not supported");
    }
    long[] x = a.l;
    long[] y = b.l;
    long[] o = ex.longs(n);
    Elementwise.forEachRow(shape, shapes, ex.parallel, (off, st, out, len) -> {
      int i = off[0];
      int j = off[1];
      for (int k = 0; k < len; k++, i += st[0], j += st[1]) {
        o[out + k] = l.apply(x[i], y[j]);
      }
    });
    return NdArray.ofLongs(boolOut ? DataType.BOOL : a.type, shape, o);
  }
}
