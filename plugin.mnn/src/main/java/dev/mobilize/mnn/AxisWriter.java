package dev.mobilize.mnn;

import dev.mobilize.ir.Node;
import java.util.List;

/** Ops whose only parameter is an axis (MNN's Axis table): Concat and Softmax. */
final class AxisWriter implements MnnOpWriter {

  private final String mnnType;
  private final long defaultAxis;
  private final boolean required;

  AxisWriter(String mnnType, long defaultAxis, boolean required) {
    this.mnnType = mnnType;
    this.defaultAxis = defaultAxis;
    this.required = required;
  }

  @Override
  public void write(Node n, ExportContext c) {
    long axis = required ? n.attributes().getInt("axis") : n.attributes().getInt("axis", defaultAxis);
    c.op(mnnType, ExportContext.name(n), n.inputs(), n.outputs(), "Axis", b -> {
      b.startTable(1);
      b.addInt(0, (int) axis, 0);
      return b.endTable();
    });
  }
}
