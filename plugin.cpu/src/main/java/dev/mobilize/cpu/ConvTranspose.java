package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/**
 * ONNX ConvTranspose for 1-D, 2-D and 3-D inputs (X [N, C, D...], W [C, M/group, k...], B [M]):
 * groups, dilations, pads, output_padding, output_shape and auto_pad. Per image and group it is one
 * GEMM {@code col = W_g^T X_g} (rows: output channel and kernel offset; columns: input positions)
 * followed by col2im, which adds each column entry into output position
 * {@code o = i*stride - padBegin + k*dilation} when that lies inside the output. Also runs
 * {@code mobilize.FusedConvTranspose}: the result goes through the {@link Activation} in its attributes.
 */
final class ConvTranspose implements Kernel {

  @Override
  public Step bind(Node node, Binding binding) {
    int group = (int) node.attributes().getInt("group", 1);
    String autoPad = node.attributes().getString("auto_pad", "NOTSET");
    long[] stridesAttr = node.attributes().ints("strides", null);
    long[] dilationsAttr = node.attributes().ints("dilations", null);
    long[] padsAttr = node.attributes().ints("pads", null);
    long[] outPadAttr = node.attributes().ints("output_padding", null);
    long[] outShapeAttr = node.attributes().ints("output_shape", null);
    long[] kernelAttr = node.attributes().ints("kernel_shape", null);
    switch (autoPad) {
      case "NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID" -> { }
      default -> throw Broadcast.unsupported(node, "auto_pad is '" + autoPad
          + "', expected NOTSET, SAME_UPPER, SAME_LOWER or VALID");
    }
    Activation act = Activation.of(node);
    return (in, ex) -> {
      NdArray x = in[0];
      NdArray w = in[1];
      NdArray b = in.length > 2 ? in[2] : null;
      if (!x.isFloat() || !w.isFloat()) {
        throw Broadcast.unsupported(node, "inputs of type " + x.type + " and " + w.type + ", expected float types");
      }
      int r = x.rank();
      if (r < 3 || r > 5 || w.rank() != r) {
        throw Broadcast.unsupported(node, "input " + x.shapeString() + " and weights " + w.shapeString()
            + ": only 1-D, 2-D and 3-D transposed convolutions (rank 3 to 5, equal ranks) are supported");
      }
      int s = r - 2;
      int n = x.shape[0];
      int c = x.shape[1];
      if (w.shape[0] != c || c % group != 0) {
        throw Broadcast.error(node, "input " + x.shapeString() + " has " + c + " channels, weights "
            + w.shapeString() + " with group " + group + " expect " + w.shape[0] + " (divisible by the group)");
      }
      int cg = c / group;
      int mg = w.shape[1];
      int m = mg * group;
      if (b != null && b.size() != m) {
        throw Broadcast.error(node, "bias " + b.shapeString() + " has " + b.size() + " values, expected " + m);
      }
      // spatial geometry, padded to 3-D with leading size-1 dimensions
      int[] inSz = {1, 1, 1};
      int[] k = {1, 1, 1};
      int[] st = {1, 1, 1};
      int[] dil = {1, 1, 1};
      int[] padBegin = new int[3];
      int[] outSz = {1, 1, 1};
      for (int i = 0; i < s; i++) {
        int d = 3 - s + i;
        inSz[d] = x.shape[2 + i];
        k[d] = w.shape[2 + i];
        if (kernelAttr != null && (kernelAttr.length != s || kernelAttr[i] != k[d])) {
          throw Broadcast.error(node, "kernel_shape " + java.util.Arrays.toString(kernelAttr) + " differs from weights "
              + w.shapeString());
        }
        st[d] = (int) attr(node, stridesAttr, s, i, 1, "strides");
        dil[d] = (int) attr(node, dilationsAttr, s, i, 1, "dilations");
        int outPad = (int) attr(node, outPadAttr, s, i, 0, "output_padding");
        int span = st[d] * (inSz[d] - 1) + outPad + (k[d] - 1) * dil[d] + 1;
        int wanted = -1;
        if (outShapeAttr != null) {
          if (outShapeAttr.length != s && outShapeAttr.length != s + 2) {
            throw Broadcast.error(node, "output_shape has " + outShapeAttr.length + " values, expected " + s);
          }
          wanted = (int) outShapeAttr[outShapeAttr.length - s + i];
        } else if (autoPad.equals("SAME_UPPER") || autoPad.equals("SAME_LOWER")) {
          wanted = inSz[d] * st[d];
        }
        if (wanted >= 0) {
          // total = span - output size (negative: extra zeros at the end), split with the odd
          // element at the end for SAME_UPPER and at the beginning otherwise; halves round down
          int total = span - wanted;
          padBegin[d] = autoPad.equals("SAME_UPPER") ? Math.floorDiv(total, 2) : total - Math.floorDiv(total, 2);
          outSz[d] = wanted;
        } else if (autoPad.equals("VALID") || padsAttr == null) {
          outSz[d] = span;
        } else {
          if (padsAttr.length != 2 * s) {
            throw Broadcast.error(node, "pads has " + padsAttr.length + " values, expected " + 2 * s);
          }
          padBegin[d] = (int) padsAttr[i];
          outSz[d] = span - (int) padsAttr[i] - (int) padsAttr[i + s];
        }
        if (outSz[d] <= 0) {
          throw Broadcast.error(node, "output size " + outSz[d] + " along spatial axis " + i + " is not positive");
        }
      }
      int p = inSz[0] * inSz[1] * inSz[2];
      int kk = k[0] * k[1] * k[2];
      int q = outSz[0] * outSz[1] * outSz[2];
      int rows = mg * kk;
      float[] out = ex.floats(n * m * q);
      float[] col = ex.floats(rows * p);
      float[][] packed = new float[group][];
      for (int g = 0; g < group; g++) {
        packed[g] = Sgemm.packTransposed(w.f, g * cg * rows, cg, rows, rows);
      }
      for (int img = 0; img < n; img++) {
        for (int g = 0; g < group; g++) {
          // col[(co*K + kidx)][pos] = sum_ci W[g*cg + ci][co][kidx] * X[img][g*cg + ci][pos]
          Sgemm.gemm(rows, p, cg, packed[g], x.f, (img * c + g * cg) * p, p, col, 0, p, null, 0,
              Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, ex.parallel);
          int outOff = (img * m + g * mg) * q;
          int bOff = g * mg;
          ex.parallel.forRange(mg, 1, (from, to) -> {
            for (int co = from; co < to; co++) {
              int o0 = outOff + co * q;
              java.util.Arrays.fill(out, o0, o0 + q, b == null ? 0f : b.f[bOff + co]);
              col2im(col, co * kk * p, out, o0, inSz, k, st, dil, padBegin, outSz);
            }
          });
        }
      }
      ex.release(col);
      if (act != Activation.NONE) {
        ex.parallel.forRange(out.length, 16384, (from, to) -> {
          for (int i = from; i < to; i++) {
            out[i] = Math.min(Math.max(out[i], act.lo), act.hi);
          }
          act.applyPost(out, from, to);
        });
      }
      int[] shape = new int[r];
      shape[0] = n;
      shape[1] = m;
      for (int i = 0; i < s; i++) {
        shape[2 + i] = outSz[3 - s + i];
      }
      return new NdArray[] {NdArray.ofFloats(x.type, shape, out)};
    };
  }

  private static long attr(Node node, long[] v, int s, int i, long dflt, String name) {
    if (v == null) {
      return dflt;
    }
    if (v.length != s) {
      throw Broadcast.error(node, name + " has " + v.length + " values, expected " + s + " (spatial rank)");
    }
    return v[i];
  }

  /** Adds the col rows of one output channel ({@code K} rows of {@code P} input positions) into its output plane. */
  private static void col2im(float[] col, int colOff, float[] out, int outOff, int[] in, int[] k, int[] st,
      int[] dil, int[] pad, int[] os) {
    int p = in[0] * in[1] * in[2];
    int row = colOff;
    for (int kd = 0; kd < k[0]; kd++) {
      for (int kh = 0; kh < k[1]; kh++) {
        for (int kw = 0; kw < k[2]; kw++, row += p) {
          int shift = kw * dil[2] - pad[2];
          // input columns ix with 0 <= ix*st + shift < os[2]
          int lo = Math.max(0, Conv.ceilDiv(-shift, st[2]));
          int hi = Math.min(in[2], Conv.ceilDiv(os[2] - shift, st[2]));
          for (int id = 0; id < in[0]; id++) {
            int od = id * st[0] - pad[0] + kd * dil[0];
            if (od < 0 || od >= os[0]) {
              continue;
            }
            for (int ih = 0; ih < in[1]; ih++) {
              int oh = ih * st[1] - pad[1] + kh * dil[1];
              if (oh < 0 || oh >= os[1]) {
                continue;
              }
              int src = row + (id * in[1] + ih) * in[2];
              int dst = outOff + (od * os[1] + oh) * os[2] + shift;
              for (int ix = lo; ix < hi; ix++) {
                out[dst + ix * st[2]] += col[src + ix];
              }
            }
          }
        }
      }
    }
  }
}
