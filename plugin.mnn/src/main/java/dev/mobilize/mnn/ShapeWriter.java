package dev.mobilize.mnn;

import dev.mobilize.ir.Node;

/** Shape(x) as MNN's Shape (int32, NCHW order). ONNX's start/end are not written. */
final class ShapeWriter implements MnnOpWriter {

  @Override
  public void write(Node n, ExportContext c) {
    if (n.attributes().has("start") || n.attributes().has("end")) {
      throw new IllegalArgumentException("Shape with start/end is not written");
    }
    c.op("Shape", ExportContext.name(n), n.inputs(), n.outputs(), null, null);
  }
}
