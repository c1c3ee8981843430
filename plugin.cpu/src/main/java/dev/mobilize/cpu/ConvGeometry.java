package dev.mobilize.cpu;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Node;

/**
 * Window geometry shared by Conv, ConvTranspose and the pools: kernel, strides, dilations and pads
 * from the attributes, and the output size for given input sizes (auto_pad, ceil_mode).
 */
final class ConvGeometry {

  final Node node;
  final String autoPad;
  final long[] kernelAttr;
  final long[] stridesAttr;
  final long[] dilationsAttr;
  final long[] padsAttr;
  final boolean ceilMode;

  ConvGeometry(Node node) {
    this.node = node;
    Attributes a = node.attributes();
    this.autoPad = a.getString("auto_pad", "NOTSET");
    this.kernelAttr = a.ints("kernel_shape", null);
    this.stridesAttr = a.ints("strides", null);
    this.dilationsAttr = a.ints("dilations", null);
    this.padsAttr = a.ints("pads", null);
    this.ceilMode = a.getInt("ceil_mode", 0) != 0;
    switch (autoPad) {
      case "NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID" -> { }
      default -> throw Broadcast.unsupported(node, "auto_pad is '" + autoPad
          + "', expected NOTSET, SAME_UPPER, SAME_LOWER or VALID");
    }
  }

  /** Resolved geometry for one input size. */
  static final class Window {
    int[] kernel;
    int[] stride;
    int[] dilation;
    int[] padBegin;
    int[] padEnd;
    int[] in;
    int[] out;
  }

  /**
   * Resolves the window for spatial input sizes {@code in}; {@code kernel} from the weights when the
   * attribute is absent.
   */
  Window resolve(int[] in, int[] kernel) {
    int s = in.length;
    Window w = new Window();
    w.in = in;
    w.kernel = kernel != null ? kernel : ints(kernelAttr, s, -1, "kernel_shape");
    w.stride = ints(stridesAttr, s, 1, "strides");
    w.dilation = ints(dilationsAttr, s, 1, "dilations");
    w.padBegin = new int[s];
    w.padEnd = new int[s];
    w.out = new int[s];
    for (int i = 0; i < s; i++) {
      int dk = (w.kernel[i] - 1) * w.dilation[i] + 1;
      switch (autoPad) {
        case "SAME_UPPER", "SAME_LOWER" -> {
          int out = (in[i] + w.stride[i] - 1) / w.stride[i];
          int total = Math.max(0, (out - 1) * w.stride[i] + dk - in[i]);
          w.padBegin[i] = autoPad.equals("SAME_UPPER") ? total / 2 : total - total / 2;
          w.padEnd[i] = total - w.padBegin[i];
          w.out[i] = out;
        }
        case "VALID" -> w.out[i] = Math.max(0, (in[i] - dk) / w.stride[i] + 1);
        default -> {
          if (padsAttr != null) {
            if (padsAttr.length != 2 * s) {
              throw Broadcast.error(node, "pads has " + padsAttr.length + " values, expected " + 2 * s);
            }
            w.padBegin[i] = (int) padsAttr[i];
            w.padEnd[i] = (int) padsAttr[i + s];
          }
          int span = in[i] + w.padBegin[i] + w.padEnd[i] - dk;
          if (ceilMode) {
            int out = (span + w.stride[i] - 1) / w.stride[i] + 1;
            // the last window must start inside the input or the begin padding
            if ((out - 1) * w.stride[i] >= in[i] + w.padBegin[i]) {
              out--;
            }
            w.out[i] = out;
          } else {
            w.out[i] = span < 0 ? 0 : span / w.stride[i] + 1;
          }
        }
      }
      if (w.out[i] <= 0) {
        throw Broadcast.error(node, "the window " + dk + " does not fit spatial size " + in[i]
            + " with pads " + w.padBegin[i] + "+" + w.padEnd[i]);
      }
    }
    return w;
  }

  private int[] ints(long[] v, int n, int dflt, String name) {
    int[] out = new int[n];
    if (v == null) {
      if (dflt < 0) {
        throw Broadcast.error(node, "attribute " + name + " is missing");
      }
      java.util.Arrays.fill(out, dflt);
      return out;
    }
    if (v.length != n) {
      throw Broadcast.error(node, name + " has " + v.length + " values, expected " + n + " (spatial rank)");
    }
    for (int i = 0; i < n; i++) {
      out[i] = (int) v[i];
    }
    return out;
  }
}
