package dev.mobilize.mnn;

import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Gather(data, indices, axis) as MNN's GatherV2 with the axis as a third, constant input. MNN does
 * not wrap negative indices, so constant negative indices are made positive here from the static
 * dimension.
 */
final class GatherWriter implements MnnOpWriter {

  @Override
  public void write(Node n, ExportContext c) {
    long axis = n.attributes().getInt("axis", 0);
    String indices = n.input(1);
    Tensor idx = c.constant(indices);
    if (idx == null) {
      // computed indices: MNN reads them as they are
    } else if (Arrays.stream(idx.toLongArray()).anyMatch(v -> v < 0)) {
      Optional<long[]> shape = c.shape(n.input(0));
      if (shape.isEmpty()) {
        throw new IllegalArgumentException("negative indices into a dimension of unknown size");
      }
      long[] s = shape.get();
      long dim = s[(int) (axis < 0 ? axis + s.length : axis)];
      long[] fixed = Arrays.stream(idx.toLongArray()).map(v -> v < 0 ? v + dim : v).toArray();
      indices = c.newConstant(indices + "__wrapped", Tensor.ofLongs(idx.dims(), fixed));
    }
    if (axis < 0) {
      Optional<long[]> shape = c.shape(n.input(0));
      if (shape.isEmpty()) {
        throw new IllegalArgumentException("negative axis on an input of unknown rank");
      }
      axis += shape.get().length;
    }
    String axisTensor = c.newConstant(ExportContext.name(n) + "__axis", Tensor.ofInts(new long[0], (int) axis));
    c.op("GatherV2", ExportContext.name(n), List.of(n.input(0), indices, axisTensor), n.outputs(), "GatherV2", b -> {
      b.startTable(3);
      return b.endTable();
    });
  }
}
