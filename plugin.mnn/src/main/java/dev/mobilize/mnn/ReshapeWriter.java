package dev.mobilize.mnn;

import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Reshape: a constant shape goes into the Reshape table's dims; a computed shape is the op's second
 * input. MNN copies a 0 from the input's dims as ONNX does (allowzero=0).
 */
final class ReshapeWriter implements MnnOpWriter {

  @Override
  public void write(Node n, ExportContext c) {
    if (n.attributes().getInt("allowzero", 0) != 0) {
      throw new IllegalArgumentException("allowzero=1 is not written");
    }
    Tensor shape = c.constant(n.input(1));
    int[] dims = shape == null ? null : Arrays.stream(shape.toLongArray()).mapToInt(Math::toIntExact).toArray();
    List<String> inputs = shape == null ? n.inputs() : List.of(n.input(0));
    c.op("Reshape", ExportContext.name(n), inputs, n.outputs(), "Reshape", b -> {
      int d = dims == null ? 0 : b.ints(dims);
      b.startTable(2);
      b.addOffset(0, d);
      b.addByte(1, MnnSchema.NCHW, 0);
      return b.endTable();
    });
  }
}
