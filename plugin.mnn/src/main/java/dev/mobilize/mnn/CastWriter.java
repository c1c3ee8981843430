package dev.mobilize.mnn;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Node;

/** Cast(to) as MNN's Cast; int64 is int32 in MNN, as MNNConvert maps it. */
final class CastWriter implements MnnOpWriter {

  @Override
  public void write(Node n, ExportContext c) {
    DataType to = DataType.fromCode((int) n.attributes().getInt("to"));
    int dst;
    try {
      dst = ImportContext.mnnType(to);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Cast to " + to + ": " + e.getMessage());
    }
    c.op("Cast", ExportContext.name(n), n.inputs(), n.outputs(), "CastParam", b -> {
      b.startTable(2);
      b.addInt(1, dst, 0);
      return b.endTable();
    });
  }
}
