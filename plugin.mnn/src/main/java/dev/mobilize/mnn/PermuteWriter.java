package dev.mobilize.mnn;

import dev.mobilize.ir.Node;
import java.util.Arrays;

/** Transpose(perm) as MNN's Permute. */
final class PermuteWriter implements MnnOpWriter {

  @Override
  public void write(Node n, ExportContext c) {
    if (!n.attributes().has("perm")) {
      throw new IllegalArgumentException("Transpose without perm (reversed axes) is not written");
    }
    int[] perm = Arrays.stream(n.attributes().ints("perm")).mapToInt(Math::toIntExact).toArray();
    c.op("Permute", ExportContext.name(n), n.inputs(), n.outputs(), "Permute", b -> {
      int d = b.ints(perm);
      b.startTable(1);
      b.addOffset(0, d);
      return b.endTable();
    });
  }
}
