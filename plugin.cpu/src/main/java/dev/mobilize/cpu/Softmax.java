package dev.mobilize.cpu;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Node;

/**
 * ONNX Softmax, LogSoftmax and Hardmax over {@code axis} (opset 13+); before opset 13 the input is
 * seen as 2-D, flattened at {@code axis} (default 1).
 */
final class Softmax implements Kernel {

  enum Kind { SOFTMAX, LOG_SOFTMAX, HARDMAX }

  private final Kind kind;

  Softmax(Kind kind) {
    this.kind = kind;
  }

  @Override
  public Step bind(Node node, Binding binding) {
    boolean old = binding.opset() > 0 && binding.opset() < 13;
    long axisAttr = node.attributes().getInt("axis", old ? 1 : -1);
    return (in, ex) -> {
      NdArray x = in[0];
      if (!x.isFloat()) {
        throw Broadcast.unsupported(node, "input of type " + x.type + " is not supported, expected a float type");
      }
      int r = x.rank();
      int axis = Broadcast.axis(node, axisAttr, r);
      int outer = 1;
      for (int d = 0; d < axis; d++) {
        outer *= x.shape[d];
      }
      int len;
      int inner;
      if (old) {
        len = outer == 0 ? 0 : x.size() / outer;
        inner = 1;
      } else {
        len = x.shape[axis];
        inner = 1;
        for (int d = axis + 1; d < r; d++) {
          inner *= x.shape[d];
        }
      }
      float[] a = x.f;
      float[] o = ex.floats(x.size());
      int innerF = inner;
      int lenF = len;
      ex.parallel.forRange(outer * inner, 64, (from, to) -> {
        for (int t = from; t < to; t++) {
          int base = (t / innerF) * lenF * innerF + t % innerF;
          apply(a, o, base, lenF, innerF);
        }
      });
      return new NdArray[] {NdArray.ofFloats(x.type == DataType.UNDEFINED ? DataType.FLOAT : x.type, x.shape, o)};
    };
  }

  private void apply(float[] a, float[] o, int base, int len, int stride) {
    float max = Float.NEGATIVE_INFINITY;
    int arg = 0;
    for (int i = 0; i < len; i++) {
      float v = a[base + i * stride];
      if (v > max) {
        max = v;
        arg = i;
      }
    }
    if (kind == Kind.HARDMAX) {
      for (int i = 0; i < len; i++) {
        o[base + i * stride] = i == arg ? 1f : 0f;
      }
      return;
    }
    double sum = 0;
    for (int i = 0; i < len; i++) {
      sum += Math.exp(a[base + i * stride] - max);
    }
    if (kind == Kind.SOFTMAX) {
      double inv = 1 / sum;
      for (int i = 0; i < len; i++) {
        o[base + i * stride] = (float) (Math.exp(a[base + i * stride] - max) * inv);
      }
    } else {
      double log = Math.log(sum);
      for (int i = 0; i < len; i++) {
        o[base + i * stride] = (float) (a[base + i * stride] - max - log);
      }
    }
  }
}
