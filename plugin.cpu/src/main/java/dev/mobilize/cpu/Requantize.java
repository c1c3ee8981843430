package dev.mobilize.cpu;

/**
 * int32 sums of an int8 kernel (bias included) to int8, per output channel {@code c}, as
 * QuantizeLinear (output zero point {@code zero}) after the float op would compute them:
 * <ul>
 *   <li>no activation, Relu or Clip (monotone clamps):
 *       {@code q = clamp(rint(acc * mult[c]), lo, hi) + zero} with {@code mult[c] = x_scale * W_scale[c] / y_scale}
 *       and {@code [lo + zero, hi + zero] = [Q(act.lo), Q(act.hi)]} &#8745; [-128, 127]. Exact in the integer
 *       domain: rounding is monotone, so {@code Q(clip(y)) = clamp(Q(y), Q(lo), Q(hi))}.
 *   <li>other activations (LeakyRelu, HardSwish, Sigmoid, ...) go through float:
 *       {@code q = saturate(rint(act(acc * x_scale * W_scale[c]) / y_scale) + zero)}.
 * </ul>
 * {@code rint} rounds half to even, as QuantizeLinear does.
 */
final class Requantize {

  final float[] mult;
  final float[] scale;
  final float yScale;
  /** The output zero point, added after rounding. */
  final int zero;
  /** Bounds of {@code rint(acc * mult[c])}, before {@link #zero} is added. */
  final int lo;
  final int hi;
  /** The activation when it is not a clamp, else null. */
  final Activation post;

  Requantize(float xScale, float[] wScale, float yScale, Activation act) {
    this(xScale, wScale, yScale, 0, act);
  }

  Requantize(float xScale, float[] wScale, float yScale, int yZero, Activation act) {
    int m = wScale.length;
    this.mult = new float[m];
    this.scale = new float[m];
    for (int c = 0; c < m; c++) {
      mult[c] = (float) ((double) xScale * wScale[c] / yScale);
      scale[c] = xScale * wScale[c];
    }
    this.yScale = yScale;
    this.zero = yZero;
    this.post = act.post == null ? null : act;
    this.lo = (act.post == null ? quantize(act.lo) : -128) - yZero;
    this.hi = (act.post == null ? quantize(act.hi) : 127) - yZero;
  }

  /** QuantizeLinear of one float to int8 with this output scale and zero point. */
  int quantize(float y) {
    return (int) Math.max(-128, Math.min(127, Math.rint(y / yScale) + zero));
  }

  /** The int8 value of channel {@code c} for the sum {@code acc}. */
  int apply(int acc, int c) {
    if (post != null) {
      float y = (float) acc * scale[c];
      return quantize(post.post.apply(Math.min(Math.max(y, post.lo), post.hi)));
    }
    int q = (int) Math.rint((float) acc * mult[c]);
    return Math.max(lo, Math.min(hi, q)) + zero;
  }
}
