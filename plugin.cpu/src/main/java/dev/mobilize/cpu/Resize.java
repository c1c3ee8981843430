package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/**
 * ONNX Resize (opset 11-19 semantics; Upsample arrives as Resize): modes nearest, linear and cubic
 * over any axes, all coordinate_transformation_modes, nearest_mode, cubic_coeff_a, exclude_outside,
 * extrapolation_value, axes and keep_aspect_ratio_policy. Separable: each axis contributes taps
 * (input index, weight) per output coordinate; an output element sums the products.
 */
final class Resize implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    var a = node.attributes();
    String mode = a.getString("mode", "nearest");
    String ctm = a.getString("coordinate_transformation_mode", "half_pixel");
    String nearest = a.getString("nearest_mode", "round_prefer_floor");
    float cubicA = a.getFloat("cubic_coeff_a", -0.75f);
    boolean exclude = a.getInt("exclude_outside", 0) != 0;
    float extrapolation = a.getFloat("extrapolation_value", 0f);
    long[] axesAttr = a.ints("axes", null);
    String policy = a.getString("keep_aspect_ratio_policy", "stretch");
    if (a.getInt("antialias", 0) != 0) {
      throw Broadcast.unsupported(node, "antialias=1 is not supported");
    }
    if (!mode.equals("nearest") && !mode.equals("linear") && !mode.equals("cubic")) {
      throw Broadcast.unsupported(node, "mode '" + mode + "', expected nearest, linear or cubic");
    }
    return (in, ex) -> {
      NdArray x = in[0];
      int r = x.rank();
      NdArray roi = in.length > 1 ? in[1] : null;
      NdArray scalesIn = in.length > 2 ? in[2] : null;
      NdArray sizesIn = in.length > 3 ? in[3] : null;
      int[] axes = new int[axesAttr == null ? r : axesAttr.length];
      for (int i = 0; i < axes.length; i++) {
        axes[i] = axesAttr == null ? i : Broadcast.axis(node, axesAttr[i], r);
      }
      double[] scale = new double[r];
      int[] outShape = x.shape.clone();
      java.util.Arrays.fill(scale, 1);
      if (sizesIn != null && sizesIn.size() > 0) {
        long[] sz = Layout.longs(sizesIn);
        if (sz.length != axes.length) {
          throw Broadcast.error(node, "sizes has " + sz.length + " values, expected " + axes.length);
        }
        if (policy.equals("stretch")) {
          for (int i = 0; i < axes.length; i++) {
            outShape[axes[i]] = (int) sz[i];
            scale[axes[i]] = (double) sz[i] / x.shape[axes[i]];
          }
        } else {
          double s = policy.equals("not_larger") ? Double.MAX_VALUE : 0;
          for (int i = 0; i < axes.length; i++) {
            double si = (double) sz[i] / x.shape[axes[i]];
            s = policy.equals("not_larger") ? Math.min(s, si) : Math.max(s, si);
          }
          for (int i = 0; i < axes.length; i++) {
            scale[axes[i]] = s;
            outShape[axes[i]] = (int) Math.round(s * x.shape[axes[i]]);
          }
        }
      } else if (scalesIn != null && scalesIn.size() > 0) {
        float[] sc = scalesIn.floats();
        if (sc.length != axes.length) {
          throw Broadcast.error(node, "scales has " + sc.length + " values, expected " + axes.length);
        }
        for (int i = 0; i < axes.length; i++) {
          scale[axes[i]] = sc[i];
          outShape[axes[i]] = (int) Math.floor(x.shape[axes[i]] * (double) sc[i]);
        }
      } else {
        throw Broadcast.error(node, "neither scales nor sizes is given");
      }
      double[] roiStart = new double[r];
      double[] roiEnd = new double[r];
      java.util.Arrays.fill(roiEnd, 1);
      if (roi != null && roi.size() > 0) {
        float[] rv = roi.floats();
        for (int i = 0; i < axes.length; i++) {
          roiStart[axes[i]] = rv[i];
          roiEnd[axes[i]] = rv[i + axes.length];
        }
      }
      // per axis: taps per output coordinate
      int[][][] idx = new int[r][][];
      float[][][] wts = new float[r][][];
      for (int d = 0; d < r; d++) {
        int inLen = x.shape[d];
        int outLen = outShape[d];
        idx[d] = new int[outLen][];
        wts[d] = new float[outLen][];
        boolean identity = outLen == inLen && scale[d] == 1 && !ctm.equals("tf_crop_and_resize");
        for (int o = 0; o < outLen; o++) {
          if (identity) {
            idx[d][o] = new int[] {o};
            wts[d][o] = new float[] {1f};
            continue;
          }
          double c = original(ctm, o, scale[d], inLen, outLen, scale[d] * inLen, roiStart[d], roiEnd[d]);
          if (ctm.equals("tf_crop_and_resize") && (c < 0 || c > inLen - 1)) {
            idx[d][o] = new int[] {-1};
            wts[d][o] = new float[] {1f};
            continue;
          }
          taps(mode, nearest, cubicA, exclude, c, inLen, scale[d], idx[d], wts[d], o);
        }
      }
      int n = NdArray.numElements(outShape);
      float[] out = ex.floats(n);
      int[] xs = Broadcast.stridesOf(x.shape);
      float[] xf = x.floats();
      int[] pos = new int[r];
      int[] t = new int[r];
      for (int e = 0; e < n; e++) {
        // sum over the product of taps
        double acc = 0;
        boolean extrapolate = false;
        for (int d = 0; d < r; d++) {
          if (idx[d][pos[d]][0] < 0) {
            extrapolate = true;
          }
        }
        if (extrapolate) {
          out[e] = extrapolation;
        } else {
          java.util.Arrays.fill(t, 0);
          while (true) {
            double w = 1;
            int off = 0;
            for (int d = 0; d < r; d++) {
              w *= wts[d][pos[d]][t[d]];
              off += idx[d][pos[d]][t[d]] * xs[d];
            }
            acc += w * xf[off];
            int d = r - 1;
            for (; d >= 0; d--) {
              if (++t[d] < idx[d][pos[d]].length) {
                break;
              }
              t[d] = 0;
            }
            if (d < 0) {
              break;
            }
          }
          out[e] = (float) acc;
        }
        for (int d = r - 1; d >= 0; d--) {
          if (++pos[d] < outShape[d]) {
            break;
          }
          pos[d] = 0;
        }
      }
      if (!x.isFloat()) {
        long[] lo = ex.longs(n);
        for (int i = 0; i < n; i++) {
          lo[i] = Math.round(out[i]);
        }
        ex.release(out);
        return new NdArray[] {NdArray.ofLongs(x.type, outShape, lo)};
      }
      return new NdArray[] {NdArray.ofFloats(x.type, outShape, out)};
    };
  }

  /**
   * The input coordinate of output coordinate {@code o}; {@code resized} is the unrounded output
   * length {@code scale * inLen}, as the ONNX reference uses it.
   */
  static double original(String ctm, int o, double scale, int inLen, int outLen, double resized, double start,
      double end) {
    return switch (ctm) {
      case "asymmetric" -> o / scale;
      case "align_corners" -> resized == 1 ? 0 : o * (inLen - 1) / (resized - 1);
      case "pytorch_half_pixel" -> resized > 1 ? (o + 0.5) / scale - 0.5 : 0;
      case "half_pixel_symmetric" -> {
        double adjustment = outLen / (scale * inLen);
        double center = inLen / 2.0;
        double offset = center * (1 - adjustment);
        yield offset + (o + 0.5) / scale - 0.5;
      }
      case "tf_crop_and_resize" -> outLen > 1
          ? start * (inLen - 1) + o * (end - start) * (inLen - 1) / (outLen - 1)
          : 0.5 * (start + end) * (inLen - 1);
      default -> (o + 0.5) / scale - 0.5; // half_pixel
    };
  }

  private static void taps(String mode, String nearest, float a, boolean exclude, double c, int inLen,
      double scale, int[][] idx, float[][] wts, int o) {
    switch (mode) {
      case "nearest" -> {
        double f = Math.floor(c);
        double frac = c - f;
        long i = switch (nearest) {
          case "floor" -> (long) f;
          case "ceil" -> (long) Math.ceil(c);
          case "round_prefer_ceil" -> frac >= 0.5 ? (long) f + 1 : (long) f;
          default -> frac > 0.5 ? (long) f + 1 : (long) f; // round_prefer_floor
        };
        idx[o] = new int[] {(int) Math.max(0, Math.min(inLen - 1, i))};
        wts[o] = new float[] {1f};
      }
      case "linear" -> {
        double f = Math.floor(c);
        double w1 = c - f;
        int i0 = (int) f;
        idx[o] = new int[] {clamp(i0, inLen), clamp(i0 + 1, inLen)};
        wts[o] = new float[] {(float) (1 - w1), (float) w1};
      }
      default -> { // cubic
        double f = Math.floor(c);
        double s = c - f;
        int i0 = (int) f;
        double[] cw = {
            ((a * (s + 1) - 5 * a) * (s + 1) + 8 * a) * (s + 1) - 4 * a,
            ((a + 2) * s - (a + 3)) * s * s + 1,
            ((a + 2) * (1 - s) - (a + 3)) * (1 - s) * (1 - s) + 1,
            ((a * (2 - s) - 5 * a) * (2 - s) + 8 * a) * (2 - s) - 4 * a};
        int[] ii = new int[4];
        float[] ww = new float[4];
        double sum = 0;
        for (int k = 0; k < 4; k++) {
          int i = i0 - 1 + k;
          if (exclude && (i < 0 || i >= inLen)) {
            cw[k] = 0;
          }
          sum += cw[k];
          ii[k] = clamp(i, inLen);
        }
        for (int k = 0; k < 4; k++) {
          ww[k] = (float) (exclude ? cw[k] / sum : cw[k]);
        }
        idx[o] = ii;
        wts[o] = ww;
      }
    }
  }

  private static int clamp(int i, int len) {
    return Math.max(0, Math.min(len - 1, i));
  }
}
