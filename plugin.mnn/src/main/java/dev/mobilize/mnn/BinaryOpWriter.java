package dev.mobilize.mnn;

import dev.mobilize.ir.Node;
import java.util.List;

/** Element-wise arithmetic with broadcasting as MNN's BinaryOp (Div is REALDIV: x / y, truncating on ints). */
final class BinaryOpWriter implements MnnOpWriter {

  // BinaryOpOperation
  static final int ADD = 0;
  static final int SUB = 1;
  static final int MUL = 2;
  static final int REALDIV = 7;
  static final int MINIMUM = 8;
  static final int MAXIMUM = 9;

  private final int operation;

  BinaryOpWriter(int operation) {
    this.operation = operation;
  }

  @Override
  public void write(Node n, ExportContext c) {
    if (n.inputs().size() != 2) {
      throw new IllegalArgumentException(n.opType() + " with " + n.inputs().size() + " inputs; MNN's BinaryOp takes 2");
    }
    write(c, ExportContext.name(n), n.inputs(), n.output(0), operation);
  }

  static void write(ExportContext c, String name, List<String> inputs, String output, int operation) {
    c.op("BinaryOp", name, inputs, List.of(output), "BinaryOp", b -> {
      b.startTable(3);
      b.addInt(0, operation, 0);
      return b.endTable();
    });
  }
}
