package dev.mobilize.tnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What layer readers add to: nodes, constants, and fresh value names that collide with no blob. */
final class ImportContext {

  final List<Node> nodes = new ArrayList<>();
  final Map<String, Tensor> initializers = new LinkedHashMap<>();
  private final Set<String> taken = new HashSet<>();
  TnnNet.Layer layer;
  /** Per-tensor int8 scales of blobs (the BlobScale resources). */
  final Map<String, Float> blobScales;
  /** Outputs of int8 convolutions that TNN fuses into the Add after them ({@link Int8Readers#fusedIntoAdd}). */
  final Set<String> fusedIntoAdd;

  ImportContext(TnnNet net) {
    this.blobScales = net.blobScales;
    this.fusedIntoAdd = Int8Readers.fusedIntoAdd(net);
    for (TnnNet.Input in : net.inputs) {
      taken.add(in.name());
    }
    for (TnnNet.Layer l : net.layers) {
      taken.addAll(l.inputs);
      taken.addAll(l.outputs);
    }
    taken.addAll(net.constants.keySet());
  }

  /** A value name based on {@code base} that no blob or earlier value has. */
  String fresh(String base) {
    String n = base;
    for (int i = 1; !taken.add(n); i++) {
      n = base + "_" + i;
    }
    return n;
  }

  /** A constant named after the current layer. */
  String constant(String suffix, Tensor t) {
    String n = fresh(layer.name + "_" + suffix);
    initializers.put(n, t);
    return n;
  }

  void node(String op, List<String> inputs, List<String> outputs, Attributes attrs) {
    nodes.add(Node.builder(op).name(fresh(layer.name + (nodes.isEmpty() ? "" : "")))
        .inputs(inputs).outputs(outputs).attributes(attrs).build());
  }

  /** A value between two nodes of the current layer. */
  String temp(String suffix) {
    return fresh(layer.name + "_" + suffix);
  }

  static Tensor ints64(long... v) {
    return Tensor.ofLongs(new long[] {v.length}, v);
  }
}
