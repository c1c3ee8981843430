package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Node;
import java.util.List;

/**
 * MaxPool, AveragePool (2-D) and GlobalMaxPool/GlobalAveragePool as Pooling. Pads are explicit
 * (pad_mode 1); ceil_mode becomes extra right/bottom padding up to ONNX's output size. Global
 * pooling gives ncnn a 1-D blob, so a Reshape back to {@code (c, 1, 1)} follows it.
 */
final class NcnnPoolWriter implements NcnnLayerWriter {

  private final boolean max;
  private final boolean global;

  NcnnPoolWriter(boolean max, boolean global) {
    this.max = max;
    this.global = global;
  }

  @Override
  public void write(Node node, ExportContext ctx) {
    long[] in = ctx.blobDims(node.input(0));
    if (in.length != 3) {
      throw new CannotExpress("only 2-D pooling is written (input rank " + (in.length + 1) + ")");
    }
    String input = ctx.blob(node.input(0), 4);
    if (global) {
      String tmp = ctx.temp(node.output(0));
      NcnnLayer l = ctx.add("Pooling", node, List.of(input), List.of(tmp));
      l.params.setIfNot(0, max ? 0 : 1, 0).set(4, 1);
      NcnnLayer r = ctx.add("Reshape", node, List.of(tmp), List.of(node.output(0)));
      r.params.set(0, 1).set(1, 1).set(2, (int) in[0]);
      return;
    }
    if (node.outputs().size() > 1) {
      throw new CannotExpress("MaxPool's indices output has no ncnn form");
    }
    Attributes a = node.attributes();
    long[] k = a.ints("kernel_shape");
    long[] s = a.ints("strides", new long[] {1, 1});
    long[] dil = a.ints("dilations", new long[] {1, 1});
    if (dil[0] != 1 || dil[1] != 1) {
      throw new CannotExpress("dilated pooling has no ncnn form");
    }
    long[] out = ctx.blobDims(node.output(0));
    long[] pads = Pads.resolve(a, new long[] {in[1], in[2]}, k, s, dil, new long[] {out[1], out[2]});
    // ceil_mode: extend bottom/right padding so that ncnn's floor division gives ONNX's output size
    boolean extended = false;
    for (int i = 0; i < 2; i++) {
      long need = (out[i + 1] - 1) * s[i] + k[i] - (in[i + 1] + pads[i] + pads[i + 2]);
      if (need > 0) {
        pads[i + 2] += need;
        extended = true;
      }
    }
    boolean includePad = !max && a.getInt("count_include_pad", 0) != 0;
    if (includePad && extended) {
      throw new CannotExpress("AveragePool with ceil_mode=1 and count_include_pad=1 has no exact ncnn form");
    }
    NcnnLayer l = ctx.add("Pooling", node, List.of(input), List.of(node.output(0)));
    NcnnParams p = l.params;
    p.setIfNot(0, max ? 0 : 1, 0).set(1, (int) k[1]).setIfNot(11, (int) k[0], (int) k[1]);
    p.setIfNot(2, (int) s[1], 1).setIfNot(12, (int) s[0], (int) s[1]);
    Pads.write(p, pads, 3, 14, 13, 15);
    p.set(5, 1);
    if (includePad) {
      p.set(6, 1);
    }
  }
}
