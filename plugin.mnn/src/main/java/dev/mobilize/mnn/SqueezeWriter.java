package dev.mobilize.mnn;

import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import java.util.Arrays;
import java.util.List;

/** Squeeze and Unsqueeze with constant axes (input or attribute) as MNN's ops with SqueezeParam dims. */
final class SqueezeWriter implements MnnOpWriter {

  private final String mnnType;

  SqueezeWriter(String mnnType) {
    this.mnnType = mnnType;
  }

  @Override
  public void write(Node n, ExportContext c) {
    long[] axes;
    if (n.hasInput(1)) {
      Tensor t = c.requireConstant(n.input(1), "axes");
      axes = t.toLongArray();
    } else if (n.attributes().has("axes")) {
      axes = n.attributes().ints("axes");
    } else if (mnnType.equals("Squeeze")) {
      axes = new long[0];
    } else {
      throw new IllegalArgumentException("Unsqueeze without axes");
    }
    int[] dims = Arrays.stream(axes).mapToInt(Math::toIntExact).toArray();
    c.op(mnnType, ExportContext.name(n), List.of(n.input(0)), n.outputs(), "SqueezeParam", b -> {
      int d = b.ints(dims);
      b.startTable(1);
      b.addOffset(0, d);
      return b.endTable();
    });
  }
}
