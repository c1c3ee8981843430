package dev.mobilize.mnn;

import dev.mobilize.ir.Node;

/** Identity as MNN's Identity (a copy); an Identity of a constant is that constant, written where it is read. */
final class IdentityWriter implements MnnOpWriter {

  @Override
  public void write(Node n, ExportContext c) {
    if (c.constant(n.input(0)) != null) {
      return;
    }
    c.op("Identity", ExportContext.name(n), n.inputs(), n.outputs(), null, null);
  }
}
