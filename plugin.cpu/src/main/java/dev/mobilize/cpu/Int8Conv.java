package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/**
 * {@code mobilize.Int8Conv(x_q, x_scale, W_q, W_scale, B_q, y_scale)}: a 2-D convolution on int8
 * tensors, made by {@link FuseQdqForCpu} from {@code Q(act(Conv(DQ(x_q), DQ(W_q), DQ(B_q))))}. Attributes
 * are Conv's plus the fused activation ({@code activation}, {@code activation_params}) and the
 * activations' zero points {@code x_zero_point}, {@code y_zero_point} (default 0).
 * {@code int32 acc = B_q[c] + sum (x_q - x_zero_point) * W_q} (padding is the real 0), then
 * {@link Requantize} to int8 with {@code x_scale * W_scale[c] / y_scale} and {@code y_zero_point}. A
 * non-zero input zero point needs the exact float path; a residual needs zero points 0. With a residual ({@code ..., y_scale, r_q, r_scale}) the
 * result is {@code Q(y + DQ(r_q))} instead ({@link ExactFloatInt8Conv#runResidual}). When the sums fit float32 exactly (nearly always) they are
 * computed on the float kernels ({@link ExactFloatInt8Conv}; depthwise ones chunk by chunk in
 * {@link Int8DepthwiseOnFloats}, the others with one group, on int8 columns, with int8 packing and epilogue in {@link Int8GemmOnFloats}); otherwise depthwise convolutions run on
 * {@link Int8Depthwise}, the others as an int8 GEMM ({@link Int8Gemm}) per group over im2col columns
 * (1x1 convolutions with unit stride read the input directly). Weights are packed once, when the
 * node is prepared.
 */
final class Int8Conv implements Kernel {

  @Override
  public Step bind(Node node, Binding binding) {
    Int8Operands o = Int8Operands.bind(node, binding, 4);
    NdArray xScale = o.xScale();
    NdArray w = o.w();
    NdArray wScale = o.wScale();
    NdArray b = o.b();
    NdArray yScale = o.yScale();
    int m = w.dim(0);
    int cg = w.dim(1);
    int kh = w.dim(2);
    int kw = w.dim(3);
    int group = (int) node.attributes().getInt("group", 1);
    int mg = m / group;
    int k = cg * kh * kw;
    byte[] wb = Int8Tensors.bytes(w);
    int[] bias = b == null ? null : Int8Tensors.ints(b);
    int xZero = o.xZero();
    int yZero = o.yZero();
    Requantize rq = new Requantize(xScale.f[0], Int8Tensors.perChannel(wScale, m), yScale.f[0], yZero,
        Activation.of(node));
    ConvGeometry geo = new ConvGeometry(node);
    boolean depthwise = cg == 1 && group == m;
    ExactFloatInt8Conv onFloats = ExactFloatInt8Conv.ifExact(wb, m, group, k, depthwise, bias, rq, xZero);
    if (xZero != 0 && onFloats == null) {
      throw new IllegalStateException(node.describe() + ": an input zero point needs weights on the exact float path");
    }
    boolean residual = node.hasInput(6);
    NdArray rScale = residual ? binding.constant(7) : null;
    if (residual && (onFloats == null || rScale == null || yZero != 0)) {
      throw new IllegalStateException(node.describe() + ": a residual needs weights on the exact float path, a"
          + " constant scale and output zero point 0");
    }
    Int8DepthwiseOnFloats dwFloats = depthwise && !residual
        ? Int8DepthwiseOnFloats.ifExact(wb, m, kh, kw, bias, rq, xZero) : null;
    Int8GemmOnFloats gemmFloats = group == 1 && onFloats != null
        ? Int8GemmOnFloats.ifExact(wb, m, k, bias, rq, xZero) : null;
    Int8Depthwise dw = depthwise && onFloats == null ? new Int8Depthwise(wb, m, kh, kw, bias, rq) : null;
    int[] wp = depthwise || onFloats != null ? null : Int8Gemm.packA(wb, 0, m, k);
    short[][] packed = new short[1][];
    int[][][] planes = new int[1][][];
    float[][][][] scratch = new float[1][][][];
    return (in, ex) -> {
      NdArray x = in[0];
      if (x.rank() != 4 || x.dim(1) != cg * group) {
        throw Broadcast.error(node, "input " + x.shapeString() + " does not fit weights [" + m + "," + cg + ","
            + kh + "," + kw + "] with group " + group);
      }
      byte[] xb = Int8Tensors.bytes(x);
      int n = x.dim(0);
      int c = x.dim(1);
      int h = x.dim(2);
      int wd = x.dim(3);
      ConvGeometry.Window win = geo.resolve(new int[] {h, wd}, new int[] {kh, kw});
      int oh = win.out[0];
      int ow = win.out[1];
      int cols = oh * ow;
      byte[] out = ex.bytes(n * m * cols);
      boolean direct = kh == 1 && kw == 1 && win.stride[0] == 1 && win.stride[1] == 1
          && win.padBegin[0] == 0 && win.padBegin[1] == 0 && oh == h && ow == wd;
      if (gemmFloats != null && (!residual || java.util.Arrays.equals(in[6].shape, new int[] {n, m, oh, ow}))) {
        if (scratch[0] == null) {
          scratch[0] = new float[ex.parallel.threads()][][];
        }
        byte[] cols8 = direct ? xb : ex.bytes(n * k * cols);
        for (int i = 0; i < n && !direct; i++) {
          Int8GemmOnFloats.im2col(xb, i, cg, h, wd, kh, kw, win, xZero, cols8, ex.parallel);
        }
        gemmFloats.run(cols8, n, cols, out, residual ? Int8Tensors.bytes(in[6]) : null, residual ? rScale.f[0] : 0f,
            yScale.f[0], ex.parallel, scratch[0]);
        if (!direct) {
          ex.release(cols8);
        }
        return new NdArray[] {NdArray.ofBytes(new int[] {n, m, oh, ow}, out)};
      }
      if (residual) {
        ex.release(out);
        return new NdArray[] {onFloats.runResidual(node, xb, n, cg, h, wd, kh, kw, win, direct, in[6], rScale.f[0],
            yScale.f[0], ex)};
      }
      if (dwFloats != null) {
        if (scratch[0] == null) {
          scratch[0] = new float[ex.parallel.threads()][][];
        }
        dwFloats.run(xb, n, h, wd, win, out, ex.parallel, scratch[0]);
        return new NdArray[] {NdArray.ofBytes(new int[] {n, m, oh, ow}, out)};
      }
      if (onFloats != null) {
        onFloats.run(xb, n, cg, h, wd, kh, kw, win, direct, out, ex);
        return new NdArray[] {NdArray.ofBytes(new int[] {n, m, oh, ow}, out)};
      }
      if (depthwise) {
        if (planes[0] == null) {
          planes[0] = new int[ex.parallel.threads()][];
        }
        dw.run(Int8Gemm.VECTOR, xb, n, h, wd, win, out, ex.parallel, planes[0]);
        return new NdArray[] {NdArray.ofBytes(new int[] {n, m, oh, ow}, out)};
      }
      int need = 2 * Int8Gemm.pairs(k) * Int8Gemm.paddedColumns(cols);
      if (packed[0] == null || packed[0].length < need) {
        packed[0] = new short[need];
      }
      short[] bp = packed[0];
      for (int i = 0; i < n; i++) {
        for (int g = 0; g < group; g++) {
          int xOff = (i * c + g * cg) * h * wd;
          if (direct) {
            Int8Gemm.packB(xb, xOff, h * wd, cg, cols, bp, ex.parallel);
          } else {
            im2col(xb, xOff, cg, h, wd, kh, kw, win, bp, ex.parallel);
          }
          Int8Gemm.gemm(Int8Gemm.VECTOR, wp, g * mg, mg, k, bp, cols, bias, rq, out, (i * m + g * mg) * cols,
              ex.parallel);
        }
      }
      return new NdArray[] {NdArray.ofBytes(new int[] {n, m, oh, ow}, out)};
    };
  }

  /** The im2col matrix ({@code k = (ci * kh + ky) * kw + kx} by output position) in the packed layout. */
  static void im2col(byte[] x, int xOff, int cg, int h, int w, int kh, int kw, ConvGeometry.Window win, short[] bp,
      Parallel par) {
    int k = cg * kh * kw;
    int kp = Int8Gemm.pairs(k);
    int oh = win.out[0];
    int ow = win.out[1];
    int np = Int8Gemm.paddedColumns(oh * ow);
    par.forRange(2 * kp, 8, (r0, r1) -> {
      for (int r = r0; r < r1; r++) {
        int base = (r / 2) * np * 2 + (r & 1);
        if (r >= k) {
          for (int j = 0; j < oh * ow; j++) {
            bp[base + 2 * j] = 0;
          }
          continue;
        }
        int ci = r / (kh * kw);
        int ky = r / kw % kh;
        int kx = r % kw;
        int src = xOff + ci * h * w;
        for (int oy = 0; oy < oh; oy++) {
          int iy = oy * win.stride[0] - win.padBegin[0] + ky * win.dilation[0];
          int o = base + 2 * oy * ow;
          if (iy < 0 || iy >= h) {
            for (int ox = 0; ox < ow; ox++) {
              bp[o + 2 * ox] = 0;
            }
            continue;
          }
          int row = src + iy * w;
          int ix = -win.padBegin[1] + kx * win.dilation[1];
          int sx = win.stride[1];
          for (int ox = 0; ox < ow; ox++, ix += sx) {
            bp[o + 2 * ox] = ix >= 0 && ix < w ? x[row + ix] : 0;
          }
        }
      }
    });
  }
}
