package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX Transpose: output dimension i is input dimension perm[i] (reversed without perm). */
final class Transpose implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    long[] permAttr = node.attributes().ints("perm", null);
    return (in, ex) -> {
      NdArray x = in[0];
      int r = x.rank();
      int[] perm = new int[r];
      for (int i = 0; i < r; i++) {
        perm[i] = permAttr == null ? r - 1 - i : Broadcast.axis(node, permAttr[i], r);
      }
      if (permAttr != null && permAttr.length != r) {
        throw Broadcast.error(node, "perm has " + permAttr.length + " entries, expected the input rank " + r);
      }
      return new NdArray[] {permute(x, perm, ex)};
    };
  }

  static NdArray permute(NdArray x, int[] perm, Exec ex) {
    int r = x.rank();
    int[] shape = new int[r];
    int[] inStrides = Broadcast.stridesOf(x.shape);
    int[] st = new int[r];
    for (int i = 0; i < r; i++) {
      shape[i] = x.shape[perm[i]];
      st[i] = inStrides[perm[i]];
    }
    NdArray out = Layout.alloc(ex, x.type, shape);
    int n = out.size();
    if (n == 0) {
      return out;
    }
    // innermost run: contiguous copy when the last axis stays last
    int inner = r > 0 && perm[r - 1] == r - 1 ? shape[r - 1] : 1;
    int outer = r == 0 ? 1 : (inner > 1 ? r - 1 : r);
    int[] idx = new int[outer];
    int off = 0;
    for (int o = 0; o < n; o += inner) {
      if (inner > 1) {
        Layout.copy(x, off, out, o, inner);
      } else if (out.f != null) {
        out.f[o] = x.f[off];
      } else if (out.l != null) {
        out.l[o] = x.l[off];
      } else {
        out.s[o] = x.s[off];
      }
      for (int d = outer - 1; d >= 0; d--) {
        idx[d]++;
        off += st[d];
        if (idx[d] < shape[d]) {
          break;
        }
        off -= st[d] * idx[d];
        idx[d] = 0;
      }
    }
    return out;
  }
}
