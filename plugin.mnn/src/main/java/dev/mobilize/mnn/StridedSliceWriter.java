package dev.mobilize.mnn;

import dev.mobilize.ir.Node;

/**
 * ONNX Slice(x, starts, ends[, axes[, steps]]) as MNN's StridedSlice with fromType 1 (ONNX
 * semantics: negative starts and ends count from the end, ends clamp to the dimension), the inputs
 * as int32 tensors, as MNNConvert writes it.
 */
final class StridedSliceWriter implements MnnOpWriter {

  static final int FROM_ONNX = 1;

  @Override
  public void write(Node n, ExportContext c) {
    if (n.inputs().size() < 3) {
      throw new IllegalArgumentException("Slice with starts/ends as attributes (opset < 10) is not written");
    }
    for (int i = 3; i < n.inputs().size(); i++) {
      if (!n.hasInput(i)) {
        throw new IllegalArgumentException("Slice with an omitted axes input and given steps is not written");
      }
    }
    c.op("StridedSlice", ExportContext.name(n), n.inputs(), n.outputs(), "StridedSliceParam", b -> {
      b.startTable(8);
      b.addInt(7, FROM_ONNX, 0);
      return b.endTable();
    });
  }
}
