package dev.mobilize.mnn;

import dev.mobilize.ir.Node;
import java.util.List;

/** MatMul(a, b) as MNN's MatMul. */
final class MatMulWriter implements MnnOpWriter {

  @Override
  public void write(Node n, ExportContext c) {
    write(c, ExportContext.name(n), n.input(0), n.input(1), n.output(0), false);
  }

  static void write(ExportContext c, String name, String a, String b, String y, boolean transB) {
    c.op("MatMul", name, List.of(a, b), List.of(y), "MatMul", f -> {
      f.startTable(5);
      f.addBool(2, transB, false);
      return f.endTable();
    });
  }
}
