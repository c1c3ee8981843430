package dev.mobilize.onnx.shape;

import dev.mobilize.ir.Dim;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.ValueInfo;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/** Hands out fresh symbolic dimensions ({@code unk_0}, {@code nonzero_count_1}, ...) unused in the model. */
final class SymbolNames {

  private final Set<String> used = new HashSet<>();
  private int next;

  void reserve(Graph graph) {
    reserve(graph.inputs());
    reserve(graph.outputs());
    reserve(graph.valueInfo().values());
  }

  void reserve(Collection<ValueInfo> infos) {
    for (ValueInfo v : infos) {
      if (v.shape().hasRank()) {
        used.addAll(v.shape().symbols());
      }
    }
  }

  /** A new symbolic dimension named {@code prefix_N}. */
  Dim fresh(String prefix) {
    String name;
    do {
      name = prefix + "_" + next++;
    } while (!used.add(name));
    return Dim.symbol(name);
  }

  /** A shape of {@code rank} fresh dimensions. */
  Shape freshShape(int rank) {
    Dim[] dims = new Dim[rank];
    for (int i = 0; i < rank; i++) {
      dims[i] = fresh("unk");
    }
    return Shape.of(java.util.List.of(dims));
  }
}
