package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import java.util.List;
import java.util.Optional;

/**
 * Resize of the two spatial axes of {@code [1, C, H, W]} as Interp. Nearest (1) matches ONNX's
 * asymmetric coordinates with floor rounding, written as scales (1, 2) when the model gives
 * scales, else as the output size (3, 4). Bilinear (2) matches half_pixel and pytorch_half_pixel
 * (6 align_corner=0) and align_corners (6=1), always written as the output size, from which ncnn
 * takes its coordinate scale. Bicubic (3) likewise, for cubic_coeff_a -0.75 with edge pixels.
 */
final class NcnnInterpWriter implements NcnnLayerWriter {

  @Override
  public void write(Node node, ExportContext ctx) {
    Attributes a = node.attributes();
    long[] in = ctx.blobDims(node.input(0));
    long[] out = ctx.blobDims(node.output(0));
    if (in.length != 3) {
      throw new CannotExpress("only [1, C, H, W] inputs are written, found rank " + (in.length + 1));
    }
    if (in[0] != out[0]) {
      throw new CannotExpress("resizing the channel axis has no ncnn Interp form");
    }
    if (!a.getString("keep_aspect_ratio_policy", "stretch").equals("stretch") || a.ints("axes", null) != null) {
      throw new CannotExpress("axes and keep_aspect_ratio_policy are not written");
    }
    String mode = a.getString("mode", "nearest");
    String ctm = a.getString("coordinate_transformation_mode", "half_pixel");
    float[] scales = scales(node, ctx);
    NcnnLayer l;
    switch (mode) {
      case "nearest" -> {
        String rounding = a.getString("nearest_mode", "round_prefer_floor");
        boolean halfSteps = scales != null && (scales[2] == 1f || scales[2] == 2f) && (scales[3] == 1f || scales[3] == 2f);
        if (!ctm.equals("asymmetric") || !(rounding.equals("floor") || rounding.equals("round_prefer_floor") && halfSteps)) {
          throw new CannotExpress("nearest resize with coordinate_transformation_mode '" + ctm + "' and nearest_mode '"
              + rounding + "' has no ncnn form; ncnn computes asymmetric coordinates rounded down (floor)");
        }
        l = ctx.add("Interp", node, List.of(ctx.blob(node.input(0), 4)), List.of(node.output(0)));
        l.params.set(0, 1);
        if (scales != null) {
          l.params.setIfNot(1, scales[2], 1f).setIfNot(2, scales[3], 1f);
          return;
        }
      }
      case "linear", "cubic" -> {
        boolean cubic = mode.equals("cubic");
        if (cubic && (a.getFloat("cubic_coeff_a", -0.75f) != -0.75f || a.getInt("exclude_outside", 0) != 0)) {
          throw new CannotExpress("ncnn's bicubic Interp has cubic_coeff_a -0.75 and edge pixels (exclude_outside 0)");
        }
        if (cubic && (in[1] < 4 || in[2] < 4)) {
          throw new CannotExpress("ncnn's bicubic Interp needs at least 4 input rows and columns");
        }
        boolean align = ctm.equals("align_corners");
        if (!align && !ctm.equals("half_pixel") && !ctm.equals("pytorch_half_pixel")) {
          throw new CannotExpress("linear resize with coordinate_transformation_mode '" + ctm + "' has no ncnn form "
              + "(ncnn has half_pixel and align_corners)");
        }
        if (in[1] < 2 || in[2] < 2) {
          throw new CannotExpress("ncnn's bilinear Interp needs at least 2 input rows and columns");
        }
        if (scales != null && !align && (in[1] * scales[2] != out[1] || in[2] * scales[3] != out[2])) {
          throw new CannotExpress("scales " + scales[2] + ", " + scales[3] + " do not give whole output sizes; ncnn "
              + "takes its coordinate scale from the output size");
        }
        l = ctx.add("Interp", node, List.of(ctx.blob(node.input(0), 4)), List.of(node.output(0)));
        l.params.set(0, cubic ? 3 : 2).setIfNot(6, align ? 1 : 0, 0);
      }
      default -> throw new CannotExpress("resize mode '" + mode + "' is not written (nearest, linear and cubic are)");
    }
    l.params.set(3, (int) out[1]).set(4, (int) out[2]);
  }

  /** The scales input (opset 11+: input 2; opset 10: input 1) when given, else null. */
  private static float[] scales(Node node, ExportContext ctx) {
    int i = node.inputs().size() == 2 ? 1 : 2;
    if (!node.hasInput(i)) {
      return null;
    }
    Optional<Tensor> t = ctx.constant(node.input(i));
    if (t.isEmpty()) {
      throw new CannotExpress("the scales (input " + i + ") must be a constant for ncnn");
    }
    float[] s = t.get().toFloatArray();
    return s.length == 4 ? s : null;
  }
}
