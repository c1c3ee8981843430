package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/**
 * ONNX MaxPool (with optional Indices output), AveragePool (count_include_pad) and LpPool over any
 * number of spatial dimensions: pads, strides, dilations, auto_pad and ceil_mode.
 */
final class Pool implements Kernel {

  enum Kind { MAX, AVERAGE, LP }

  private final Kind kind;

  Pool(Kind kind) {
    this.kind = kind;
  }

  @Override
  public Step bind(Node node, Binding binding) {
    ConvGeometry geo = new ConvGeometry(node);
    boolean includePad = node.attributes().getInt("count_include_pad", 0) != 0;
    float p = node.attributes().getInt("p", 2);
    if (node.attributes().getInt("storage_order", 0) != 0) {
      throw Broadcast.unsupported(node, "storage_order=1 (column-major indices) is not supported");
    }
    return (in, ex) -> {
      NdArray x = in[0];
      if (!x.isFloat() && kind != Kind.MAX) {
        throw Broadcast.unsupported(node, "input of type " + x.type + " is not supported");
      }
      int r = x.rank();
      int s = r - 2;
      int[] spatial = java.util.Arrays.copyOfRange(x.shape, 2, r);
      ConvGeometry.Window w = geo.resolve(spatial, null);
      int[] outShape = new int[r];
      outShape[0] = x.shape[0];
      outShape[1] = x.shape[1];
      System.arraycopy(w.out, 0, outShape, 2, s);
      int planes = x.shape[0] * x.shape[1];
      int inPlane = NdArray.numElements(spatial);
      int outPlane = NdArray.numElements(w.out);
      int win = NdArray.numElements(w.kernel);
      NdArray out = Layout.alloc(ex, x.type, outShape);
      long[] indices = kind == Kind.MAX && node.outputs().size() > 1 ? ex.longs(out.size()) : null;
      int[] inStrides = Broadcast.stridesOf(spatial);
      ex.parallel.forRange(planes, 1, (from, to) -> {
        int[] o = new int[s];
        int[] k = new int[s];
        for (int pl = from; pl < to; pl++) {
          int xo = pl * inPlane;
          java.util.Arrays.fill(o, 0);
          for (int op = 0; op < outPlane; op++) {
            double acc = kind == Kind.MAX ? Double.NEGATIVE_INFINITY : 0;
            long lacc = Long.MIN_VALUE;
            int best = -1;
            int count = 0;
            java.util.Arrays.fill(k, 0);
            for (int kk = 0; kk < win; kk++) {
              int off = 0;
              boolean inside = true;
              boolean inPadded = true;
              for (int d = 0; d < s; d++) {
                int i = o[d] * w.stride[d] - w.padBegin[d] + k[d] * w.dilation[d];
                if (i < 0 || i >= spatial[d]) {
                  inside = false;
                  if (i < -w.padBegin[d] || i >= spatial[d] + w.padEnd[d]) {
                    inPadded = false;
                  }
                }
                off += i * inStrides[d];
              }
              if (inside) {
                count++;
                if (x.f != null) {
                  double v = x.f[xo + off];
                  switch (kind) {
                    case MAX -> {
                      if (v > acc || best < 0 && Double.isNaN(v)) {
                        acc = v;
                        best = off;
                      }
                    }
                    case AVERAGE -> acc += v;
                    default -> acc += Math.pow(Math.abs(v), p);
                  }
                } else if (x.l[xo + off] > lacc || best < 0) {
                  lacc = x.l[xo + off];
                  best = off;
                }
              } else if (includePad && inPadded && kind == Kind.AVERAGE) {
                count++;
              }
              for (int d = s - 1; d >= 0; d--) {
                if (++k[d] < w.kernel[d]) {
                  break;
                }
                k[d] = 0;
              }
            }
            int oi = pl * outPlane + op;
            if (out.f != null) {
              out.f[oi] = (float) switch (kind) {
                case MAX -> acc;
                case AVERAGE -> acc / Math.max(1, count);
                default -> Math.pow(acc, 1.0 / p);
              };
            } else {
              out.l[oi] = lacc;
            }
            if (indices != null) {
              indices[oi] = (long) xo + Math.max(0, best);
            }
            for (int d = s - 1; d >= 0; d--) {
              if (++o[d] < w.out[d]) {
                break;
              }
              o[d] = 0;
            }
          }
        }
      });
      if (indices != null) {
        return new NdArray[] {out, NdArray.ofLongs(outShape, indices)};
      }
      return new NdArray[] {out};
    };
  }
}
