package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX DepthToSpace (DCR or CRD mode) and SpaceToDepth, as reshape-transpose-reshape. */
final class DepthToSpace implements Kernel {

  private final boolean toSpace;

  DepthToSpace(boolean toSpace) {
    this.toSpace = toSpace;
  }

  @Override
  public Step bind(Node node, Binding binding) {
    int b = (int) node.attributes().getInt("blocksize");
    boolean crd = node.attributes().getString("mode", "DCR").equals("CRD");
    return (in, ex) -> {
      NdArray x = in[0];
      if (x.rank() != 4) {
        throw Broadcast.error(node, "input has shape " + Broadcast.fmt(x.shape) + ", expected rank 4");
      }
      int n = x.shape[0];
      int c = x.shape[1];
      int h = x.shape[2];
      int w = x.shape[3];
      NdArray t;
      int[] outShape;
      if (toSpace) {
        if (c % (b * b) != 0) {
          throw Broadcast.error(node, "channels " + c + " are not divisible by blocksize^2 = " + b * b);
        }
        int cc = c / (b * b);
        if (crd) {
          t = Transpose.permute(x.reshape(new int[] {n, cc, b, b, h, w}), new int[] {0, 1, 4, 2, 5, 3}, ex);
        } else {
          t = Transpose.permute(x.reshape(new int[] {n, b, b, cc, h, w}), new int[] {0, 3, 4, 1, 5, 2}, ex);
        }
        outShape = new int[] {n, cc, h * b, w * b};
      } else {
        if (h % b != 0 || w % b != 0) {
          throw Broadcast.error(node, "height " + h + " and width " + w + " must be divisible by blocksize " + b);
        }
        t = Transpose.permute(x.reshape(new int[] {n, c, h / b, b, w / b, b}), new int[] {0, 3, 5, 1, 2, 4}, ex);
        outShape = new int[] {n, c * b * b, h / b, w / b};
      }
      return new NdArray[] {t.reshape(outShape)};
    };
  }
}
