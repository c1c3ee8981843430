package dev.mobilize.cpu;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Node;

/** ONNX Cast (and CastLike, whose target type is its second input's). Float to integer truncates. */
final class Cast implements Kernel {

  private final boolean like;

  Cast(boolean like) {
    this.like = like;
  }

  @Override
  public Step bind(Node node, Binding binding) {
    DataType fixed = like ? null : DataType.fromCode((int) node.attributes().getInt("to"));
    if (fixed != null && !NdArray.isFloatType(fixed) && !NdArray.isLongType(fixed)) {
      throw Broadcast.unsupported(node, "cast to " + fixed + " is not supported");
    }
    return (in, ex) -> new NdArray[] {convert(node, in[0], fixed != null ? fixed : in[1].type, ex)};
  }

  static NdArray convert(Node node, NdArray x, DataType to, Exec ex) {
    if (x.s != null) {
      throw Broadcast.unsupported(node, "cast from STRING is not supported");
    }
    int n = x.size();
    if (NdArray.isFloatType(to)) {
      float[] o = ex.floats(n);
      if (x.f != null) {
        System.arraycopy(x.f, 0, o, 0, n);
      } else {
        boolean u64 = x.type == DataType.UINT64;
        for (int i = 0; i < n; i++) {
          long v = x.l[i];
          o[i] = u64 && v < 0 ? (float) (v >>> 1) * 2f : (float) v;
        }
      }
      return NdArray.ofFloats(to, x.shape, o);
    }
    if (!NdArray.isLongType(to)) {
      throw Broadcast.unsupported(node, "cast to " + to + " is not supported");
    }
    long[] o = ex.longs(n);
    if (x.l != null) {
      System.arraycopy(x.l, 0, o, 0, n);
    } else if (to == DataType.BOOL) {
      for (int i = 0; i < n; i++) {
        o[i] = x.f[i] != 0 ? 1 : 0;
      }
    } else {
      for (int i = 0; i < n; i++) {
        float v = x.f[i];
        o[i] = Float.isNaN(v) ? (to == DataType.INT64 ? Long.MIN_VALUE : 0) : (long) v;
      }
    }
    return NdArray.ofLongs(to, x.shape, o);
  }
}
