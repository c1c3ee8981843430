package dev.mobilize.cpu;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Node;

/**
 * ONNX ConvInteger ({@code sum (x - x_zero_point)(w - w_zero_point)} in int32) and QLinearConv (that
 * sum plus the int32 bias, requantized with {@code x_scale * w_scale / y_scale} per output channel),
 * in exact integer arithmetic, any number of spatial dimensions, groups, pads, strides, dilations.
 */
final class IntegerConv implements Kernel {

  private final boolean qlinear;

  IntegerConv(boolean qlinear) {
    this.qlinear = qlinear;
  }

  @Override
  public Step bind(Node node, Binding binding) {
    ConvGeometry geo = new ConvGeometry(node);
    int group = (int) node.attributes().getInt("group", 1);
    return (in, ex) -> {
      NdArray x = in[0];
      NdArray w = qlinear ? in[3] : in[1];
      NdArray xzp = qlinear ? in[2] : in.length > 2 ? in[2] : null;
      NdArray wzp = qlinear ? in[5] : in.length > 3 ? in[3] : null;
      int r = x.rank();
      int s = r - 2;
      int[] spatial = java.util.Arrays.copyOfRange(x.shape, 2, r);
      int[] kernel = java.util.Arrays.copyOfRange(w.shape, 2, r);
      ConvGeometry.Window win = geo.resolve(spatial, kernel);
      int nImg = x.shape[0];
      int c = x.shape[1];
      int m = w.shape[0];
      int cg = w.shape[1];
      int mg = m / group;
      int inPlane = NdArray.numElements(spatial);
      int outPlane = NdArray.numElements(win.out);
      int kPlane = NdArray.numElements(kernel);
      int[] inSt = Broadcast.stridesOf(spatial);
      long[] acc = new long[nImg * m * outPlane];
      int[] o = new int[s];
      int[] k = new int[s];
      for (int img = 0; img < nImg; img++) {
        for (int oc = 0; oc < m; oc++) {
          int g = oc / mg;
          long zw = wzp == null ? 0 : wzp.size() == 1 ? wzp.l[0] : wzp.l[oc];
          java.util.Arrays.fill(o, 0);
          for (int op = 0; op < outPlane; op++) {
            long sum = 0;
            for (int ci = 0; ci < cg; ci++) {
              int xo = (img * c + g * cg + ci) * inPlane;
              int wo = (oc * cg + ci) * kPlane;
              long zx = xzp == null ? 0 : xzp.l[0];
              java.util.Arrays.fill(k, 0);
              for (int kk = 0; kk < kPlane; kk++) {
                int off = 0;
                boolean inside = true;
                for (int d = 0; d < s; d++) {
                  int i = o[d] * win.stride[d] - win.padBegin[d] + k[d] * win.dilation[d];
                  inside &= i >= 0 && i < spatial[d];
                  off += i * inSt[d];
                }
                if (inside) {
                  sum += (x.l[xo + off] - zx) * (w.l[wo + kk] - zw);
                }
                for (int d = s - 1; d >= 0; d--) {
                  if (++k[d] < kernel[d]) {
                    break;
                  }
                  k[d] = 0;
                }
              }
            }
            acc[(img * m + oc) * outPlane + op] = sum;
            for (int d = s - 1; d >= 0; d--) {
              if (++o[d] < win.out[d]) {
                break;
              }
              o[d] = 0;
            }
          }
        }
      }
      int[] shape = new int[r];
      shape[0] = nImg;
      shape[1] = m;
      System.arraycopy(win.out, 0, shape, 2, s);
      long[] out = ex.longs(acc.length);
      if (!qlinear) {
        System.arraycopy(acc, 0, out, 0, acc.length);
        return new NdArray[] {NdArray.ofLongs(DataType.INT32, shape, out)};
      }
      NdArray xs = in[1];
      NdArray ws = in[4];
      NdArray ys = in[6];
      NdArray yzp = in[7];
      NdArray bias = in.length > 8 ? in[8] : null;
      DataType t = yzp.type;
      long lo = Quantize.min(node, t);
      long hi = Quantize.max(t);
      for (int e = 0; e < acc.length; e++) {
        int oc = (e / outPlane) % m;
        double scale = xs.f[0] * (double) (ws.size() == 1 ? ws.f[0] : ws.f[oc]) / ys.f[0];
        long v = acc[e] + (bias == null ? 0 : bias.l[oc]);
        double y = Math.rint(v * scale) + yzp.l[0];
        out[e] = (long) Math.max(lo, Math.min(hi, y));
      }
      return new NdArray[] {NdArray.ofLongs(t, shape, out)};
    };
  }
}
