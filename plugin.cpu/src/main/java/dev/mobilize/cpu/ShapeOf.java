package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX Shape: the input's dimensions as int64, optionally sliced by start and end. */
final class ShapeOf implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    long startAttr = node.attributes().getInt("start", 0);
    Long endAttr = node.attributes().has("end") ? node.attributes().getInt("end") : null;
    return (in, ex) -> {
      int r = in[0].rank();
      long s = startAttr < 0 ? startAttr + r : startAttr;
      long e = endAttr == null ? r : endAttr < 0 ? endAttr + r : endAttr;
      s = Math.max(0, Math.min(r, s));
      e = Math.max(s, Math.min(r, e));
      long[] out = new long[(int) (e - s)];
      for (int i = 0; i < out.length; i++) {
        out[i] = in[0].shape[(int) s + i];
      }
      return new NdArray[] {NdArray.ofLongs(new int[] {out.length}, out)};
    };
  }
}
