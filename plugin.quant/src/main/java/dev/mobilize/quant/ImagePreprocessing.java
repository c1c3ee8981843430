package dev.mobilize.quant;

import dev.mobilize.ir.Tensor;
import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.MobilizeException;
import dev.mobilize.service.Options;
import dev.mobilize.service.Quantizer;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * Turns an image into a model input the way ncnn2table and MNN's quantizer do: resize to W×H
 * (bilinear), take 0..255 pixels in RGB, BGR or gray order, then {@code (pixel − mean[c]) · norm[c]},
 * laid out NCHW ({@code [1, C, H, W]}) or NHWC ({@code [1, H, W, C]}) as the input is.
 *
 * @param width target width (0: the input's)
 * @param height target height (0: the input's)
 * @param mean per-channel mean (one value: all channels)
 * @param norm per-channel factor (one value: all channels)
 * @param color rgb, bgr or gray
 */
record ImagePreprocessing(int width, int height, float[] mean, float[] norm, String color) {

  static ImagePreprocessing of(Options o) {
    int w = 0;
    int h = 0;
    List<String> size = o.getList(Quantizer.RESIZE);
    if (!size.isEmpty()) {
      if (size.size() != 2) {
        throw bad(Quantizer.RESIZE, o.get(Quantizer.RESIZE, ""), "W,H, e.g. 224,224");
      }
      w = positive(Quantizer.RESIZE, size.get(0));
      h = positive(Quantizer.RESIZE, size.get(1));
    }
    String color = o.get(Quantizer.COLOR, "rgb").toLowerCase(Locale.ROOT);
    if (!List.of("rgb", "bgr", "gray").contains(color)) {
      throw bad(Quantizer.COLOR, color, "rgb, bgr or gray");
    }
    return new ImagePreprocessing(w, h, floats(o, Quantizer.MEAN, 0f), floats(o, Quantizer.NORM, 1f), color);
  }

  private static float[] floats(Options o, String key, float dflt) {
    List<String> v = o.getList(key);
    if (v.isEmpty()) {
      return new float[] {dflt};
    }
    float[] f = new float[v.size()];
    for (int i = 0; i < f.length; i++) {
      try {
        f[i] = Float.parseFloat(v.get(i));
      } catch (NumberFormatException e) {
        throw bad(key, o.get(key, ""), "numbers separated by commas, e.g. 127.5,127.5,127.5");
      }
    }
    return f;
  }

  private static int positive(String key, String v) {
    try {
      int n = Integer.parseInt(v.trim());
      if (n > 0 && n <= 16384) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw bad(key, v, "a size from 1 to 16384");
  }

  private static MobilizeException bad(String key, String value, String expected) {
    return new MobilizeException(ErrorCode.INVALID_ARGUMENT, "--" + key + " '" + value + "': expected " + expected);
  }

  /**
   * The input tensor for {@code image}, for an input of dims {@code [1, C, H, W]} or {@code [1, H, W, C]}
   * (C = 1 or 3).
   */
  Tensor apply(BufferedImage image, long[] inputDims, String file) {
    boolean nhwc = inputDims.length == 4 && !isChannels(inputDims[1]) && isChannels(inputDims[3]);
    if (inputDims.length != 4 || !(isChannels(inputDims[1]) || nhwc)) {
      throw new MobilizeException(ErrorCode.SHAPE_MISMATCH, file + ": images calibrate inputs of shape [N,C,H,W] or"
          + " [N,H,W,C] with C = 1 or 3, but the input has dims " + java.util.Arrays.toString(inputDims)
          + "; give tensor files (.pb, .npy) instead");
    }
    int c = (int) (nhwc ? inputDims[3] : inputDims[1]);
    int h = height > 0 ? height : (int) (nhwc ? inputDims[1] : inputDims[2]);
    int w = width > 0 ? width : (int) (nhwc ? inputDims[2] : inputDims[3]);
    if (h <= 0 || w <= 0) {
      throw new MobilizeException(ErrorCode.INVALID_ARGUMENT, file + ": the input's height and width are not fixed;"
          + " give --resize W,H");
    }
    if (c == 1 && !color.equals("gray") || c == 3 && color.equals("gray")) {
      throw new MobilizeException(ErrorCode.SHAPE_MISMATCH, file + ": the input has " + c + " channel(s) but --color is "
          + color + "; use " + (c == 1 ? "--color gray" : "--color rgb or bgr"));
    }
    BufferedImage img = resized(image, w, h);
    float[] v = new float[c * h * w];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int rgb = img.getRGB(x, y);
        int r = (rgb >> 16) & 0xff;
        int gr = (rgb >> 8) & 0xff;
        int b = rgb & 0xff;
        float[] px = switch (color) {
          case "bgr" -> new float[] {b, gr, r};
          case "gray" -> new float[] {0.299f * r + 0.587f * gr + 0.114f * b};
          default -> new float[] {r, gr, b};
        };
        for (int k = 0; k < c; k++) {
          float val = (px[k] - pick(mean, k)) * pick(norm, k);
          v[nhwc ? (y * w + x) * c + k : (k * h + y) * w + x] = val;
        }
      }
    }
    long[] dims = nhwc ? new long[] {1, h, w, c} : new long[] {1, c, h, w};
    return Tensor.ofFloats(dims, v);
  }

  private static boolean isChannels(long d) {
    return d == 1 || d == 3;
  }

  private static float pick(float[] a, int k) {
    return a.length == 1 ? a[0] : a[Math.min(k, a.length - 1)];
  }

  private static BufferedImage resized(BufferedImage src, int w, int h) {
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(src, 0, 0, w, h, null);
    } finally {
      g.dispose();
    }
    return out;
  }
}
