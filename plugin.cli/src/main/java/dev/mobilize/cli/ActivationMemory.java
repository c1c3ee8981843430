package dev.mobilize.cli;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.ValueInfo;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Estimates peak activation memory: running the nodes in graph order, each intermediate value is
 * alive from the node that makes it to its last reader, and the peak is the largest total of live
 * values (graph inputs included; weights excluded). -1 when a shape is not static.
 */
final class ActivationMemory {

  private ActivationMemory() {}

  static long peakBytes(Graph g) {
    Map<String, Integer> lastUse = new HashMap<>();
    for (int i = 0; i < g.nodes().size(); i++) {
      for (String in : g.nodes().get(i).inputs()) {
        lastUse.put(in, i);
      }
    }
    Set<String> outputs = new HashSet<>();
    g.outputs().forEach(v -> outputs.add(v.name()));
    Map<String, Long> live = new HashMap<>();
    long current = 0;
    for (ValueInfo in : g.inputs()) {
      long b = bytes(in);
      if (b < 0) {
        return -1;
      }
      live.put(in.name(), b);
      current += b;
    }
    long peak = current;
    for (int i = 0; i < g.nodes().size(); i++) {
      Node n = g.nodes().get(i);
      for (String o : n.outputs()) {
        if (o.isEmpty()) {
          continue;
        }
        long b = g.info(o).map(ActivationMemory::bytes).orElse(-1L);
        if (b < 0) {
          return -1;
        }
        live.put(o, b);
        current += b;
      }
      peak = Math.max(peak, current);
      for (String in : n.inputs()) {
        if (lastUse.getOrDefault(in, -1) == i && !outputs.contains(in) && live.containsKey(in)) {
          current -= live.remove(in);
        }
      }
      for (String o : n.outputs()) { // produced but never read
        if (!o.isEmpty() && !lastUse.containsKey(o) && !outputs.contains(o) && live.containsKey(o)) {
          current -= live.remove(o);
        }
      }
    }
    return peak;
  }

  private static long bytes(ValueInfo v) {
    if (!v.shape().isStatic() || v.type() == DataType.UNDEFINED || v.type() == DataType.STRING) {
      return -1;
    }
    try {
      return v.type().storageBytes(Shape.numElements(v.shape().toArray()));
    } catch (ArithmeticException e) {
      return -1;
    }
  }
}
