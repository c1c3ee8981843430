package dev.mobilize.mnn;

import dev.mobilize.ir.Node;

/** Flatten(axis) as MNN's Flatten. */
final class FlattenWriter implements MnnOpWriter {

  @Override
  public void write(Node n, ExportContext c) {
    long axis = n.attributes().getInt("axis", 1);
    c.op("Flatten", ExportContext.name(n), n.inputs(), n.outputs(), "Flatten", b -> {
      b.startTable(2);
      b.addInt(0, (int) axis, 0);
      return b.endTable();
    });
  }
}
