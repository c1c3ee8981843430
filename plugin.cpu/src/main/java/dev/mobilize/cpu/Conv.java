package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/**
 * ONNX Conv for 1-D and 2-D inputs (NCHW): groups, dilations, pads and auto_pad. Constant weights
 * are packed at prepare time. Depthwise convolutions (group = channels = outputs) run a direct
 * kernel; the others are a GEMM per group over the input (1x1, stride 1, no pads) or over its
 * im2col matrix (built band by band for short im2col columns, see {@link ConvBands}). Also runs
 * {@code mobilize.FusedConv}: a Conv whose output goes through the
 * {@link Activation} in its attributes, optionally with a fourth input, a residual added before the
 * activation ({@code act(conv(x) + b + r)}, see {@link FuseForCpu}).
 */
final class Conv implements Kernel {

  @Override
  public Step bind(Node node, Binding binding) {
    ConvGeometry geo = new ConvGeometry(node);
    int group = (int) node.attributes().getInt("group", 1);
    Activation act = Activation.of(node);
    NdArray wConst = binding.constant(1);
    NdArray bConst = binding.constant(2);
    float[][] packed = wConst == null ? null : pack(node, wConst, group);
    boolean bands = ConvBands.enabled();
    return (in, ex) -> {
      NdArray x = in[0];
      NdArray w = in[1];
      NdArray b = in.length > 2 ? in[2] : null;
      NdArray residual = in.length > 3 ? in[3] : null;
      if (!x.isFloat() || !w.isFloat()) {
        throw Broadcast.unsupported(node, "inputs of type " + x.type + " and " + w.type + ", expected float types");
      }
      int r = x.rank();
      if (r != 3 && r != 4 || w.rank() != r) {
        throw Broadcast.unsupported(node, "input " + x.shapeString() + " and weights " + w.shapeString()
            + ": only 1-D and 2-D convolutions (rank 3 or 4) are supported");
      }
      int n = x.shape[0];
      int c = x.shape[1];
      int h = r == 4 ? x.shape[2] : 1;
      int wd = x.shape[r - 1];
      int m = w.shape[0];
      int cg = w.shape[1];
      int kh = r == 4 ? w.shape[2] : 1;
      int kw = w.shape[r - 1];
      if (c != cg * group || m % group != 0) {
        throw Broadcast.error(node, "input " + x.shapeString() + " has " + c + " channels, weights " + w.shapeString()
            + " with group " + group + " expect " + cg * group);
      }
      if (b != null && b.size() != m) {
        throw Broadcast.error(node, "bias " + b.shapeString() + " has " + b.size() + " values, expected " + m);
      }
      ConvGeometry.Window win = r == 4 ? geo.resolve(new int[] {h, wd}, new int[] {kh, kw})
          : to2d(geo.resolve(new int[] {wd}, new int[] {kw}));
      int oh = win.out[0];
      int ow = win.out[1];
      int p = oh * ow;
      float[] bias = b == null ? null : b.f;
      float[] out = ex.floats(n * m * p);
      int[] shape = r == 4 ? new int[] {n, m, oh, ow} : new int[] {n, m, ow};
      boolean depthwise = group == c && m == c && cg == 1;
      // the residual joins the GEMM epilogue when it is exactly the output's shape, else it is added after
      boolean residualInEpilogue = residual != null && !depthwise && residual.type == x.type
          && java.util.Arrays.equals(residual.shape, shape);
      boolean residualAfter = residual != null && !residualInEpilogue;
      Activation inner = residualAfter ? Activation.NONE : act;
      float[][] pw = packed != null ? packed : pack(node, w, group);
      int mg = m / group;
      int k = cg * kh * kw;
      if (depthwise) {
        depthwise(Sgemm.VECTOR, x.f, w.f, bias, out, n, c, h, wd, win, inner, ex.parallel);
      } else {
        boolean pointwise = kh == 1 && kw == 1 && win.stride[0] == 1 && win.stride[1] == 1
            && win.padBegin[0] == 0 && win.padBegin[1] == 0 && oh == h && ow == wd;
        boolean banded = !pointwise && bands && ConvBands.takes(group, m, k);
        float[] col = pointwise || banded ? null : ex.floats(k * p);
        if (banded) {
          ConvBands.run(x.f, n, c, h, wd, m, win, pw[0],
              new Sgemm.Epilogue(bias, 0, residualInEpilogue ? residual.f : null, 0, inner.lo, inner.hi), out, ex);
        }
        for (int img = 0; img < n && !banded; img++) {
          for (int g = 0; g < group; g++) {
            int xOff = (img * c + g * cg) * h * wd;
            float[] src;
            int srcOff;
            if (pointwise) {
              src = x.f;
              srcOff = xOff;
            } else {
              im2col(x.f, xOff, cg, h, wd, kh, kw, win, col, ex.parallel);
              src = col;
              srcOff = 0;
            }
            Sgemm.gemm(mg, p, k, pw[g], src, srcOff, p, out, (img * m + g * mg) * p, p,
                new Sgemm.Epilogue(bias, g * mg, residualInEpilogue ? residual.f : null, 0, inner.lo, inner.hi),
                ex.parallel);
          }
        }
        if (col != null) {
          ex.release(col);
        }
        if (inner.post != null) {
          ex.parallel.forRange(out.length, 16384, (from, to) -> inner.applyPost(out, from, to));
        }
      }
      NdArray y = NdArray.ofFloats(x.type, shape, out);
      if (residualAfter) {
        NdArray sum = Binary.apply(node, y, residual, (u, v) -> u + v, (u, v) -> u + v, false, ex);
        ex.release(out);
        float[] s = sum.f;
        ex.parallel.forRange(s.length, 16384, (from, to) -> {
          for (int i = from; i < to; i++) {
            s[i] = Math.min(Math.max(s[i], act.lo), act.hi);
          }
          act.applyPost(s, from, to);
        });
        return new NdArray[] {sum};
      }
      return new NdArray[] {y};
    };
  }

  private static ConvGeometry.Window to2d(ConvGeometry.Window w1) {
    ConvGeometry.Window w = new ConvGeometry.Window();
    w.kernel = new int[] {1, w1.kernel[0]};
    w.stride = new int[] {1, w1.stride[0]};
    w.dilation = new int[] {1, w1.dilation[0]};
    w.padBegin = new int[] {0, w1.padBegin[0]};
    w.padEnd = new int[] {0, w1.padEnd[0]};
    w.in = new int[] {1, w1.in[0]};
    w.out = new int[] {1, w1.out[0]};
    return w;
  }

  private static float[][] pack(Node node, NdArray w, int group) {
    int m = w.shape[0];
    if (m % group != 0) {
      throw Broadcast.error(node, "weights " + w.shapeString() + " have " + m + " outputs, not divisible by group "
          + group);
    }
    int mg = m / group;
    int k = w.size() / Math.max(1, m);
    float[][] out = new float[group][];
    for (int g = 0; g < group; g++) {
      out[g] = Sgemm.pack(w.f, g * mg * k, mg, k, k);
    }
    return out;
  }

  /** col[(ci*kh + ky)*kw + kx][oy*ow + ox] = x[ci][oy*sh - pt + ky*dh][ox*sw - pl + kx*dw], 0 outside. */
  static void im2col(float[] x, int xOff, int cg, int h, int w, int kh, int kw, ConvGeometry.Window win,
      float[] col, Parallel parallel) {
    int oh = win.out[0];
    int ow = win.out[1];
    int sh = win.stride[0];
    int sw = win.stride[1];
    int dh = win.dilation[0];
    int dw = win.dilation[1];
    int pt = win.padBegin[0];
    int pl = win.padBegin[1];
    int rows = cg * kh * kw;
    parallel.forRange(rows, 1, (from, to) -> { // a 3-channel stem has only 27 rows: keep the parts even
      for (int row = from; row < to; row++) {
        int kx = row % kw;
        int ky = (row / kw) % kh;
        int ci = row / (kh * kw);
        int co = row * oh * ow;
        int xo = xOff + ci * h * w;
        int shift = kx * dw - pl;
        int lo = Math.max(0, ceilDiv(-shift, sw));
        int hi = Math.min(ow, ceilDiv(w - shift, sw));
        for (int oy = 0; oy < oh; oy++) {
          int iy = oy * sh - pt + ky * dh;
          int o = co + oy * ow;
          if (iy < 0 || iy >= h || lo >= hi) {
            java.util.Arrays.fill(col, o, o + ow, 0f);
            continue;
          }
          for (int ox = 0; ox < lo; ox++) {
            col[o + ox] = 0f;
          }
          int base = xo + iy * w + shift;
          if (sw == 1) {
            System.arraycopy(x, base + lo, col, o + lo, hi - lo);
          } else {
            for (int ox = lo; ox < hi; ox++) {
              col[o + ox] = x[base + ox * sw];
            }
          }
          for (int ox = hi; ox < ow; ox++) {
            col[o + ox] = 0f;
          }
        }
      }
    });
  }

  static int ceilDiv(int a, int b) {
    return -Math.floorDiv(-a, b);
  }

  /** One filter per channel: {@link VectorDepthwise} for 3x3 windows, else direct accumulation row by row. */
  static void depthwise(boolean vector, float[] x, float[] w, float[] bias, float[] out, int n, int c, int h,
      int wd, ConvGeometry.Window win, Activation act, Parallel parallel) {
    depthwise(vector, x, w, bias, out, n, c, h, wd, win, act, parallel, win.out[0] * win.out[1]);
  }

  /** As above; {@link VectorDepthwise} picks its path as for an output plane of {@code plane} pixels. */
  static void depthwise(boolean vector, float[] x, float[] w, float[] bias, float[] out, int n, int c, int h,
      int wd, ConvGeometry.Window win, Activation act, Parallel parallel, int plane) {
    if (vector && VectorDepthwise.supports(win)) {
      VectorDepthwise.conv3x3(x, w, bias, out, n, c, h, wd, win, act, parallel, plane);
      return;
    }
    int oh = win.out[0];
    int ow = win.out[1];
    int kh = win.kernel[0];
    int kw = win.kernel[1];
    int sh = win.stride[0];
    int sw = win.stride[1];
    int dh = win.dilation[0];
    int dw = win.dilation[1];
    int pt = win.padBegin[0];
    int pl = win.padBegin[1];
    float lo = act.lo;
    float hi = act.hi;
    parallel.forRange(n * c, 1, (from, to) -> {
      for (int nc = from; nc < to; nc++) {
        int ch = nc % c;
        int xo = nc * h * wd;
        int oo = nc * oh * ow;
        int wo = ch * kh * kw;
        float b = bias == null ? 0f : bias[ch];
        for (int oy = 0; oy < oh; oy++) {
          int ro = oo + oy * ow;
          java.util.Arrays.fill(out, ro, ro + ow, b);
          for (int ky = 0; ky < kh; ky++) {
            int iy = oy * sh - pt + ky * dh;
            if (iy < 0 || iy >= h) {
              continue;
            }
            for (int kx = 0; kx < kw; kx++) {
              float wv = w[wo + ky * kw + kx];
              int shift = kx * dw - pl;
              int xlo = Math.max(0, ceilDiv(-shift, sw));
              int xhi = Math.min(ow, ceilDiv(wd - shift, sw));
              int base = xo + iy * wd + shift;
              if (sw == 1) {
                for (int ox = xlo; ox < xhi; ox++) {
                  out[ro + ox] += wv * x[base + ox];
                }
              } else {
                for (int ox = xlo; ox < xhi; ox++) {
                  out[ro + ox] += wv * x[base + ox * sw];
                }
              }
            }
          }
          for (int ox = 0; ox < ow; ox++) {
            out[ro + ox] = Math.min(Math.max(out[ro + ox], lo), hi);
          }
          act.applyPost(out, ro, ro + ow);
        }
      }
    });
  }
}
