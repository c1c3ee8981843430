package dev.mobilize.ncnn;

import dev.mobilize.ir.Node;
import java.util.List;

/** Slice (steps 1, constant starts/ends/axes) as Crop with starts (9), ends (10) and ncnn axes (11). */
final class NcnnSliceWriter implements NcnnLayerWriter {

  @Override
  public void write(Node node, ExportContext ctx) {
    int rank = ctx.rank(node.input(0));
    long[] in = ctx.dims(node.input(0));
    long[] starts = ctx.requireConstant(node, 1, "starts").toLongArray();
    long[] ends = ctx.requireConstant(node, 2, "ends").toLongArray();
    long[] axes = node.hasInput(3) ? ctx.requireConstant(node, 3, "axes").toLongArray() : null;
    if (node.hasInput(4)) {
      for (long s : ctx.requireConstant(node, 4, "steps").toLongArray()) {
        if (s != 1) {
          throw new CannotExpress("steps other than 1 have no ncnn Crop form");
        }
      }
    }
    int n = starts.length;
    int[] s = new int[n];
    int[] e = new int[n];
    int[] ax = new int[n];
    for (int i = 0; i < n; i++) {
      long a = axes == null ? i : axes[i] < 0 ? axes[i] + rank : axes[i];
      long dim = in[(int) a];
      // clamp as ONNX does, then write non-negative bounds ncnn reads the same way
      long st = Math.min(Math.max(starts[i] < 0 ? starts[i] + dim : starts[i], 0), dim);
      long en = Math.min(Math.max(ends[i] < 0 ? ends[i] + dim : ends[i], 0), dim);
      if (a == 0) {
        if (st != 0 || en < 1) {
          throw new CannotExpress("slicing the batch axis has no ncnn form");
        }
        ax[i] = -1;
        continue;
      }
      s[i] = (int) st;
      e[i] = (int) en;
      ax[i] = ctx.axis(a, rank);
    }
    int kept = 0;
    for (int v : ax) {
      kept += v >= 0 ? 1 : 0;
    }
    int[] s2 = new int[kept];
    int[] e2 = new int[kept];
    int[] a2 = new int[kept];
    for (int i = 0, j = 0; i < n; i++) {
      if (ax[i] >= 0) {
        s2[j] = s[i];
        e2[j] = e[i];
        a2[j++] = ax[i];
      }
    }
    NcnnLayer l = ctx.add("Crop", node, List.of(ctx.blob(node.input(0), rank)), List.of(node.output(0)));
    l.params.set(9, s2).set(10, e2).set(11, a2);
  }
}
