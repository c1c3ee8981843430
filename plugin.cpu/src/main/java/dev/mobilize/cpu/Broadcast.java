package dev.mobilize.cpu;

import dev.mobilize.ir.Node;
import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.MobilizeException;
import java.util.Arrays;

/** Numpy-style broadcasting of shapes and index mapping. */
final class Broadcast {

  private Broadcast() {}

  /** The broadcast shape of {@code shapes}, or an error naming the node. */
  static int[] shape(Node node, int[]... shapes) {
    int rank = 0;
    for (int[] s : shapes) {
      rank = Math.max(rank, s.length);
    }
    int[] out = new int[rank];
    Arrays.fill(out, 1);
    for (int[] s : shapes) {
      for (int i = 0; i < s.length; i++) {
        int o = rank - s.length + i;
        int d = s[i];
        if (out[o] == 1) {
          out[o] = d;
        } else if (d != 1 && d != out[o]) {
          StringBuilder sb = new StringBuilder();
          for (int[] t : shapes) {
            sb.append(sb.length() > 0 ? " and " : "").append(Arrays.toString(t).replace(" ", ""));
          }
          throw MobilizeException.atNode(node, ErrorCode.SHAPE_MISMATCH,
              "shapes " + sb + " cannot be broadcast: dimension " + o + " is " + out[o] + " and " + d);
        }
      }
    }
    return out;
  }

  /**
   * For each element of {@code out} (row-major), the index into an array of shape {@code in} that
   * broadcasts to it.
   */
  static int[] indexMap(int[] in, int[] out) {
    int n = NdArray.numElements(out);
    int[] map = new int[n];
    int r = out.length;
    int[] strides = strides(in, out);
    int[] idx = new int[r];
    int off = 0;
    for (int k = 0; k < n; k++) {
      map[k] = off;
      for (int d = r - 1; d >= 0; d--) {
        idx[d]++;
        off += strides[d];
        if (idx[d] < out[d]) {
          break;
        }
        off -= strides[d] * idx[d];
        idx[d] = 0;
      }
    }
    return map;
  }

  /** Strides of {@code in} aligned to the rank of {@code out}, 0 where {@code in} is broadcast. */
  static int[] strides(int[] in, int[] out) {
    int r = out.length;
    int[] strides = new int[r];
    int st = 1;
    for (int i = in.length - 1; i >= 0; i--) {
      int o = r - in.length + i;
      strides[o] = in[i] == 1 && out[o] != 1 ? 0 : st;
      st *= in[i];
    }
    return strides;
  }

  /** Row-major strides of a shape. */
  static int[] stridesOf(int[] shape) {
    int[] s = new int[shape.length];
    int st = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      s[i] = st;
      st *= shape[i];
    }
    return s;
  }

  /** Normalizes a possibly negative axis for rank {@code rank}, or an error naming the node. */
  static int axis(Node node, long axis, int rank) {
    long a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= Math.max(rank, 1) && !(rank == 0 && a == 0)) {
      throw MobilizeException.atNode(node, ErrorCode.SHAPE_MISMATCH,
          "axis " + axis + " is out of range for rank " + rank + ", expected -" + rank + " to " + (rank - 1));
    }
    return (int) a;
  }

  static MobilizeException error(Node node, String message) {
    return MobilizeException.atNode(node, ErrorCode.SHAPE_MISMATCH, message);
  }

  static MobilizeException unsupported(Node node, String message) {
    return MobilizeException.atNode(node, ErrorCode.UNSUPPORTED_OP, message);
  }

  static String fmt(int[] shape) {
    return Arrays.toString(shape).replace(" ", "");
  }
}
