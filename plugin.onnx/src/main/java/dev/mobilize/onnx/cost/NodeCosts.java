package dev.mobilize.onnx.cost;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.NodeCost;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What each node of a shape-inferred graph costs: multiply-accumulates of the convolutions and
 * matrix products (the figure papers publish), FLOPs (two per MAC plus one per element for
 * elementwise work and one per window element for pooling), parameters, and bytes moved.
 */
public final class NodeCosts {

  private static final Set<String> MAC_OPS = Set.of("Conv", "ConvTranspose", "Gemm", "MatMul", "QLinearConv",
      "QLinearMatMul", "MatMulInteger", "ConvInteger");
  private static final Set<String> POOLS = Set.of("MaxPool", "AveragePool", "LpPool");

  private NodeCosts() {}

  /** The cost of every node of {@code g}, in graph order. */
  public static List<NodeCost> of(Graph g) {
    List<NodeCost> out = new ArrayList<>(g.nodes().size());
    for (Node n : g.nodes()) {
      out.add(cost(g, n));
    }
    return out;
  }

  static NodeCost cost(Graph g, Node n) {
    long params = 0;
    long inBytes = 0;
    for (String in : n.inputs()) {
      if (in.isEmpty()) {
        continue;
      }
      if (g.initializers().containsKey(in)) {
        params += g.initializers().get(in).numElements();
      } else {
        inBytes = add(inBytes, bytes(g.info(in)));
      }
    }
    long outBytes = 0;
    for (String o : n.outputs()) {
      if (!o.isEmpty()) {
        outBytes = add(outBytes, bytes(g.info(o)));
      }
    }
    long macs = macs(g, n);
    long outElems = elements(g.info(n.outputs().isEmpty() ? "" : n.output(0)));
    long flops;
    if (MAC_OPS.contains(n.opType())) {
      flops = macs < 0 ? -1 : 2 * macs + (n.opType().equals("Conv") || n.opType().equals("Gemm")
          ? (n.hasInput(2) && outElems > 0 ? outElems : 0) : 0);
    } else if (POOLS.contains(n.opType())) {
      long[] k = n.attributes().ints("kernel_shape", new long[0]);
      long window = 1;
      for (long d : k) {
        window *= d;
      }
      flops = outElems < 0 ? -1 : outElems * window;
    } else if (n.opType().startsWith("Global")) {
      flops = elements(g.info(n.input(0)));
    } else {
      flops = outElems;
    }
    String name = n.name().isEmpty() ? n.describe() : n.name();
    return new NodeCost(name, n.opType(), macs, flops, params, inBytes, outBytes);
  }

  /** Multiply-accumulates; 0 for ops without any; -1 when a needed shape is unknown. */
  static long macs(Graph g, Node n) {
    try {
      switch (n.opType()) {
        case "Conv", "ConvInteger" -> {
          // MACs = N * C_out * prod(out spatial) * (C_in / group) * prod(kernel)
          long[] out = dims(g, n.output(0));
          long[] w = dims(g, n.input(1));
          if (out == null || w == null) {
            return -1;
          }
          return Math.multiplyExact(product(out), product(w, 1));
        }
        case "QLinearConv" -> {
          long[] out = dims(g, n.output(0));
          long[] w = dims(g, n.input(3));
          return out == null || w == null ? -1 : Math.multiplyExact(product(out), product(w, 1));
        }
        case "ConvTranspose" -> {
          // every input element is multiplied into C_out/group * prod(kernel) outputs
          long[] x = dims(g, n.input(0));
          long[] w = dims(g, n.input(1));
          if (x == null || w == null) {
            return -1;
          }
          return Math.multiplyExact(product(x), product(w, 1));
        }
        case "Gemm" -> {
          long[] a = dims(g, n.input(0));
          long[] y = dims(g, n.output(0));
          if (a == null || y == null || a.length != 2) {
            return -1;
          }
          long k = n.attributes().getInt("transA", 0) == 0 ? a[1] : a[0];
          return Math.multiplyExact(product(y), k);
        }
        case "MatMul", "MatMulInteger", "QLinearMatMul" -> {
          long[] a = dims(g, n.input(0));
          long[] y = dims(g, n.output(0));
          if (a == null || y == null || a.length == 0) {
            return -1;
          }
          return Math.multiplyExact(product(y), a[a.length - 1]);
        }
        default -> {
          return 0;
        }
      }
    } catch (ArithmeticException e) {
      return -1;
    }
  }

  private static long[] dims(Graph g, String value) {
    return g.info(value).map(ValueInfo::shape).flatMap(Shape::staticDims).orElse(null);
  }

  private static long product(long[] d) {
    return product(d, 0);
  }

  /** Product of {@code d[from..]}. */
  private static long product(long[] d, int from) {
    long p = 1;
    for (int i = from; i < d.length; i++) {
      p = Math.multiplyExact(p, d[i]);
    }
    return p;
  }

  private static long elements(Optional<ValueInfo> v) {
    try {
      return v.map(ValueInfo::shape).flatMap(Shape::staticDims).map(Shape::numElements).orElse(-1L);
    } catch (ArithmeticException e) {
      return -1;
    }
  }

  static long bytes(Optional<ValueInfo> v) {
    long n = elements(v);
    if (n < 0 || v.isEmpty() || v.get().type() == DataType.UNDEFINED || v.get().type() == DataType.STRING) {
      return -1;
    }
    try {
      return v.get().type().storageBytes(n);
    } catch (ArithmeticException e) {
      return -1;
    }
  }

  private static long add(long a, long b) {
    return a < 0 || b < 0 ? -1 : a + b;
  }
}
