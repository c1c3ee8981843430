package dev.mobilize.onnx;

import dev.mobilize.ir.Dim;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.MobilizeException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Fixes dynamic input dimensions from {@code name=1,3,224,224;other=...}, checked against the model. */
final class InputShapes {

  private InputShapes() {}

  static Model apply(Model model, Map<String, long[]> given) {
    if (given.isEmpty()) {
      return model;
    }
    Map<String, Shape> wanted = new LinkedHashMap<>();
    given.forEach((name, dims) -> wanted.put(name, Shape.of(dims)));
    Graph g = model.graph();
    List<ValueInfo> inputs = new ArrayList<>();
    for (ValueInfo in : g.inputs()) {
      Shape s = wanted.remove(in.name());
      inputs.add(s == null ? in : fixed(in, s));
    }
    if (!wanted.isEmpty()) {
      throw new MobilizeException(ErrorCode.INVALID_ARGUMENT, "--input-shape names " + wanted.keySet()
          + ", which the model does not have; its inputs are "
          + g.inputs().stream().map(v -> v.name() + v.shape()).collect(Collectors.joining(", ")));
    }
    return model.withGraph(g.toBuilder().inputs(inputs).build());
  }

  private static ValueInfo fixed(ValueInfo in, Shape s) {
    if (in.shape().hasRank()) {
      if (in.shape().rank() != s.rank()) {
        throw new MobilizeException(ErrorCode.SHAPE_MISMATCH, "--input-shape gives input '" + in.name() + "' rank "
            + s.rank() + " " + s + ", but the model declares rank " + in.shape().rank() + " " + in.shape());
      }
      for (int i = 0; i < s.rank(); i++) {
        Dim declared = in.shape().dim(i);
        if (declared.isFixed() && declared.value() != s.dim(i).value()) {
          throw new MobilizeException(ErrorCode.SHAPE_MISMATCH, "--input-shape gives input '" + in.name() + "' "
              + s + ", but the model fixes dimension " + i + " to " + declared.value() + " " + in.shape());
        }
      }
    }
    return in.withShape(s);
  }
}
