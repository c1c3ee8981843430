package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/**
 * The ONNX Reduce* ops over the axes input (or the older axes attribute), with keepdims and
 * noop_with_empty_axes. Floats accumulate in double.
 */
final class Reduce implements Kernel {

  enum Kind { SUM, MEAN, MAX, MIN, PROD, L1, L2, LOG_SUM, LOG_SUM_EXP, SUM_SQUARE }

  private final Kind kind;

  Reduce(Kind kind) {
    this.kind = kind;
  }

  @Override
  public Step bind(Node node, Binding binding) {
    boolean keep = node.attributes().getInt("keepdims", 1) != 0;
    boolean noop = node.attributes().getInt("noop_with_empty_axes", 0) != 0;
    long[] axesAttr = node.attributes().ints("axes", null);
    return (in, ex) -> {
      NdArray x = in[0];
      int r = x.rank();
      long[] axes = in.length > 1 && in[1] != null ? Layout.longs(in[1]) : axesAttr;
      boolean[] red = new boolean[r];
      if (axes == null || axes.length == 0) {
        if (noop) {
          return new NdArray[] {x};
        }
        java.util.Arrays.fill(red, true);
      } else {
        for (long a : axes) {
          red[Broadcast.axis(node, a, r)] = true;
        }
      }
      int[] keptShape = new int[r];
      int count = 0;
      int outRank = 0;
      for (int d = 0; d < r; d++) {
        keptShape[d] = red[d] ? 1 : x.shape[d];
        if (!red[d]) {
          outRank++;
        }
      }
      int[] outShape = keep ? keptShape : new int[outRank];
      if (!keep) {
        int k = 0;
        for (int d = 0; d < r; d++) {
          if (!red[d]) {
            outShape[k++] = x.shape[d];
          }
        }
      }
      int n = NdArray.numElements(keptShape);
      count = n == 0 ? 0 : x.size() / n;
      // output offset for each input element
      int[] st = Broadcast.strides(keptShape, x.shape);
      for (int d = 0; d < r; d++) {
        if (red[d]) {
          st[d] = 0;
        }
      }
      double[] acc = new double[n];
      double init = switch (kind) {
        case MAX -> Double.NEGATIVE_INFINITY;
        case MIN -> Double.POSITIVE_INFINITY;
        case PROD -> 1;
        default -> 0;
      };
      java.util.Arrays.fill(acc, init);
      long[] lacc = null;
      boolean ints = !x.isFloat();
      if (ints) {
        lacc = new long[n];
        java.util.Arrays.fill(lacc, kind == Kind.MAX ? Long.MIN_VALUE : kind == Kind.MIN ? Long.MAX_VALUE
            : kind == Kind.PROD ? 1 : 0);
      }
      double[] maxes = null;
      if (kind == Kind.LOG_SUM_EXP && !ints) {
        maxes = new double[n];
        java.util.Arrays.fill(maxes, Double.NEGATIVE_INFINITY);
        int[] idx = new int[r];
        int off = 0;
        for (int i = 0; i < x.size(); i++) {
          maxes[off] = Math.max(maxes[off], x.f[i]);
          off = step(idx, x.shape, st, off);
        }
        for (int i = 0; i < n; i++) {
          if (Double.isInfinite(maxes[i])) {
            maxes[i] = 0;
          }
        }
      }
      int[] idx = new int[r];
      int off = 0;
      int size = x.size();
      for (int i = 0; i < size; i++) {
        if (ints) {
          long v = x.l[i];
          lacc[off] = switch (kind) {
            case MAX -> Math.max(lacc[off], v);
            case MIN -> Math.min(lacc[off], v);
            case PROD -> lacc[off] * v;
            case L1 -> lacc[off] + Math.abs(v);
            case SUM_SQUARE, L2 -> lacc[off] + v * v;
            default -> lacc[off] + v;
          };
        } else {
          double v = x.f[i];
          acc[off] = switch (kind) {
            case MAX -> Math.max(acc[off], v);
            case MIN -> Math.min(acc[off], v);
            case PROD -> acc[off] * v;
            case L1 -> acc[off] + Math.abs(v);
            case L2, SUM_SQUARE -> acc[off] + v * v;
            case LOG_SUM_EXP -> acc[off] + Math.exp(v - maxes[off]);
            default -> acc[off] + v;
          };
        }
        off = step(idx, x.shape, st, off);
      }
      if (ints) {
        long[] o = ex.longs(n);
        for (int i = 0; i < n; i++) {
          long v = lacc[i];
          o[i] = switch (kind) {
            case MEAN -> count == 0 ? 0 : v / count;
            case L2 -> (long) Math.sqrt(v);
            case LOG_SUM, LOG_SUM_EXP -> (long) Math.log(v);
            default -> v;
          };
        }
        return new NdArray[] {NdArray.ofLongs(x.type, outShape, o)};
      }
      float[] o = ex.floats(n);
      for (int i = 0; i < n; i++) {
        double v = acc[i];
        o[i] = (float) switch (kind) {
          case MEAN -> v / count;
          case L2 -> Math.sqrt(v);
          case LOG_SUM -> Math.log(v);
          case LOG_SUM_EXP -> Math.log(v) + maxes[i];
          default -> v;
        };
      }
      return new NdArray[] {NdArray.ofFloats(x.type, outShape, o)};
    };
  }

  /** Advances the odometer {@code idx} over {@code shape} and returns the new output offset. */
  static int step(int[] idx, int[] shape, int[] st, int off) {
    for (int d = shape.length - 1; d >= 0; d--) {
      idx[d]++;
      off += st[d];
      if (idx[d] < shape[d]) {
        return off;
      }
      off -= st[d] * idx[d];
      idx[d] = 0;
    }
    return off;
  }
}
