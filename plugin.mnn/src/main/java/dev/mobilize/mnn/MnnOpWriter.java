package dev.mobilize.mnn;

import dev.mobilize.ir.Node;

/** Writes one IR op type as MNN ops; throws IllegalArgumentException saying why it cannot. */
@FunctionalInterface
interface MnnOpWriter {
  void write(Node n, ExportContext ctx);
}
