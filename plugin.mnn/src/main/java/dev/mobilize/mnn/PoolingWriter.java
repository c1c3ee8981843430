package dev.mobilize.mnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Node;
import java.util.Arrays;
import java.util.List;

/**
 * MaxPool, AveragePool and their global forms as Pool. MNN's ceilModel defaults to true, so it is
 * always written; countType 2 (EXCLUDE_PADDING) is ONNX's default for averages.
 */
final class PoolingWriter implements MnnOpWriter {

  @Override
  public void write(Node n, ExportContext c) {
    Attributes a = n.attributes();
    boolean global = n.opType().startsWith("Global");
    boolean max = n.opType().contains("Max");
    if (!global && !a.getString("auto_pad", "NOTSET").equals("NOTSET")) {
      throw new IllegalArgumentException("auto_pad " + a.getString("auto_pad") + " is not written");
    }
    if (!global && a.ints("kernel_shape").length != 2) {
      throw new IllegalArgumentException("only 2-D pooling is written");
    }
    if (a.has("dilations") && Arrays.stream(a.ints("dilations")).anyMatch(d -> d != 1)) {
      throw new IllegalArgumentException("MNN pooling has no dilations");
    }
    long[] k = global ? new long[] {1, 1} : a.ints("kernel_shape");
    long[] s = a.ints("strides", new long[] {1, 1});
    long[] p = a.ints("pads", new long[] {0, 0, 0, 0});
    boolean ceil = a.getInt("ceil_mode", 0) != 0;
    int count = a.getInt("count_include_pad", 0) != 0 ? 1 : 2;
    c.op("Pooling", ExportContext.name(n), List.of(n.input(0)), List.of(n.output(0)), "Pool", b -> {
      int pv = b.ints(new int[] {(int) p[0], (int) p[1], (int) p[2], (int) p[3]});
      b.startTable(13);
      b.addBool(2, global, false);
      b.addInt(3, (int) k[1], 0);
      b.addInt(4, (int) k[0], 0);
      b.addInt(5, (int) s[1], 0);
      b.addInt(6, (int) s[0], 0);
      b.addByte(7, max ? 0 : 1, 0);
      b.addBool(10, ceil, true);
      b.addOffset(11, global ? 0 : pv);
      b.addByte(12, max ? 0 : count, 0);
      return b.endTable();
    });
  }
}
