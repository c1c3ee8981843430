package dev.mobilize.mnn;

import dev.mobilize.ir.Node;

/** Identity as MNN's Identity (a copy). */
final class IdentityWriter implements MnnOpWriter {

  @Override
  public void write(Node n, ExportContext c) {
    c.op("Identity", ExportContext.name(n), n.inputs(), n.outputs(), null, null);
  }
}
