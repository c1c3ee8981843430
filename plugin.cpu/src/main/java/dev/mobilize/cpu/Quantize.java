package dev.mobilize.cpu;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Node;

/**
 * ONNX QuantizeLinear ({@code y = saturate(round_half_even(x / scale) + zero_point)}) and
 * DequantizeLinear ({@code y = (x - zero_point) * scale}), per tensor, per axis or blocked
 * (block_size), to and from int8, uint8, int16, uint16 and int32.
 */
final class Quantize implements Kernel {

  private final boolean quantize;

  Quantize(boolean quantize) {
    this.quantize = quantize;
  }

  @Override
  public Step bind(Node node, Binding binding) {
    long axisAttr = node.attributes().getInt("axis", 1);
    int block = (int) node.attributes().getInt("block_size", 0);
    long outCode = node.attributes().getInt("output_dtype", 0);
    return (in, ex) -> {
      NdArray x = in[0];
      NdArray scale = in[1];
      NdArray zp = in.length > 2 ? in[2] : null;
      int[] si = scaleIndex(node, x.shape, scale.shape, axisAttr, block);
      int n = x.size();
      if (quantize) {
        DataType t = zp != null ? zp.type : outCode != 0 ? DataType.fromCode((int) outCode) : DataType.UINT8;
        long lo = min(node, t);
        long hi = max(t);
        long[] o = ex.longs(n);
        for (int i = 0; i < n; i++) {
          int s = si[i];
          double q = Math.rint(x.getFloat(i) / (double) scale.f[s]) + (zp == null ? 0 : zp.l[s]);
          o[i] = (long) Math.max(lo, Math.min(hi, q));
        }
        return new NdArray[] {NdArray.ofLongs(t, x.shape, o)};
      }
      float[] o = ex.floats(n);
      for (int i = 0; i < n; i++) {
        int s = si[i];
        o[i] = (float) ((x.l[i] - (zp == null ? 0 : zp.l[s])) * (double) scale.f[s]);
      }
      return new NdArray[] {NdArray.ofFloats(scale.type, x.shape, o)};
    };
  }

  /** For each element of x, the index of its scale (per tensor, per axis or blocked). */
  static int[] scaleIndex(Node node, int[] xs, int[] ss, long axisAttr, int block) {
    int n = NdArray.numElements(xs);
    int[] out = new int[n];
    int sn = NdArray.numElements(ss);
    if (sn == 1) {
      return out;
    }
    int axis = Broadcast.axis(node, axisAttr, xs.length);
    int[] st = Broadcast.stridesOf(xs);
    if (ss.length == 1 && block == 0) {
      if (ss[0] != xs[axis]) {
        throw Broadcast.error(node, "scale has " + ss[0] + " values, expected " + xs[axis] + " (axis " + axis + ")");
      }
      for (int i = 0; i < n; i++) {
        out[i] = (i / st[axis]) % xs[axis];
      }
      return out;
    }
    int[] sst = Broadcast.stridesOf(ss);
    for (int i = 0; i < n; i++) {
      int off = 0;
      for (int d = 0; d < xs.length; d++) {
        int c = (i / st[d]) % xs[d];
        if (d == axis && block > 0) {
          c /= block;
        }
        off += c * sst[d];
      }
      out[i] = off;
    }
    return out;
  }

  static long min(Node node, DataType t) {
    return switch (t) {
      case INT8 -> -128;
      case UINT8, UINT16, UINT32 -> 0;
      case INT16 -> -32768;
      case INT32 -> Integer.MIN_VALUE;
      default -> throw Broadcast.unsupported(node, "quantized type " + t + ", expected INT8, UINT8, INT16, UINT16 or INT32");
    };
  }

  static long max(DataType t) {
    return switch (t) {
      case INT8 -> 127;
      case UINT8 -> 255;
      case INT16 -> 32767;
      case UINT16 -> 65535;
      default -> Integer.MAX_VALUE;
    };
  }
}
