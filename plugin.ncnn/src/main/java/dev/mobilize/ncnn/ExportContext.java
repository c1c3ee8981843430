package dev.mobilize.ncnn;

import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a writer needs while it writes: the (lowered, shape-inferred) graph, the net being built,
 * blob names for values, and constants turned into MemoryData layers where a layer reads them as
 * blobs. ncnn blobs have no batch axis: an IR value {@code [1, c, h, w]} is the ncnn blob
 * {@code (c, h, w)}, and IR axis {@code k} is ncnn axis {@code k - 1}.
 */
final class ExportContext {

  final Graph graph;
  final NcnnNet net = new NcnnNet();
  private final Set<String> layerNames = new HashSet<>();
  private final Set<String> memoryData = new HashSet<>();
  private int tempCount;

  ExportContext(Graph graph) {
    this.graph = graph;
  }

  /** The static IR dimensions of {@code value}. */
  long[] dims(String value) {
    Optional<ValueInfo> info = graph.info(value);
    if (info.isEmpty() || !info.get().shape().isStatic()) {
      throw new CannotExpress("the shape of '" + value + "' is not static ("
          + info.map(i -> i.shape().toString()).orElse("unknown")
          + "); fix the input shapes with --input-shape so that every shape is known");
    }
    return info.get().shape().toArray();
  }

  int rank(String value) {
    return dims(value).length;
  }

  /** The ncnn blob dimensions (outermost first) of a value whose IR shape starts with the batch 1. */
  long[] blobDims(String value) {
    long[] d = dims(value);
    if (d.length == 0 || d[0] != 1) {
      throw new CannotExpress("value '" + value + "' has shape " + dev.mobilize.ir.Shape.format(d)
          + "; ncnn blobs have no batch axis, so the first dimension must be 1");
    }
    if (d.length > 5) {
      throw new CannotExpress("value '" + value + "' has rank " + d.length + "; ncnn blobs have at most 4 "
          + "dimensions besides the batch");
    }
    return java.util.Arrays.copyOfRange(d, 1, d.length);
  }

  Optional<Tensor> constant(String value) {
    return graph.initializer(value);
  }

  /** The constant input {@code i} of a node, or a CannotExpress naming it. */
  Tensor requireConstant(Node node, int i, String what) {
    return constant(node.input(i)).orElseThrow(() -> new CannotExpress(what + " (input " + i + ", '"
        + node.input(i) + "') must be a constant for ncnn"));
  }

  /** The ncnn axis for IR axis {@code axis} (negative counts from the end) of a rank-{@code rank} value. */
  int axis(long axis, int rank) {
    long a = axis < 0 ? axis + rank : axis;
    if (a <= 0 || a >= rank) {
      throw new CannotExpress("axis " + axis + " of a rank-" + rank + " value is "
          + (a == 0 ? "the batch axis, which ncnn does not have" : "out of range"));
    }
    return (int) a - 1;
  }

  /**
   * The blob name of a data input. A constant becomes a MemoryData layer (once), shaped as the
   * constant broadcast to {@code rank} IR dimensions without the batch axis.
   */
  String blob(String value, int rank) {
    Optional<Tensor> c = constant(value);
    if (c.isEmpty()) {
      blobDims(value);
      return value;
    }
    String name = value + (rank > 0 ? "" : "");
    if (memoryData.add(name)) {
      long[] d = c.get().dims();
      long[] padded = new long[Math.max(rank, d.length)];
      java.util.Arrays.fill(padded, 1);
      System.arraycopy(d, 0, padded, padded.length - d.length, d.length);
      if (padded.length == 0 || padded[0] != 1 || padded.length > 5) {
        throw new CannotExpress("constant '" + value + "' of shape " + dev.mobilize.ir.Shape.format(d)
            + " cannot be an ncnn blob (rank " + padded.length + ", first dimension must be 1)");
      }
      long[] nd = java.util.Arrays.copyOfRange(padded, 1, padded.length);
      NcnnLayer m = new NcnnLayer("MemoryData", unique(value), List.of(), List.of(name));
      setShape(m.params, nd.length == 0 ? new long[] {1} : nd);
      m.rawWeight(c.get().toFloatArray());
      net.layers.add(m);
    }
    return name;
  }

  /** Sets ncnn's w=0, h=1, d=11, c=2 params from blob dims (outermost first). */
  static void setShape(NcnnParams p, long[] nd) {
    int n = nd.length;
    p.set(0, (int) nd[n - 1]);
    if (n >= 2) {
      p.set(1, (int) nd[n - 2]);
    }
    if (n == 4) {
      p.set(11, (int) nd[1]);
    }
    if (n >= 3) {
      p.set(2, (int) nd[0]);
    }
  }

  /** Adds a layer named after the node (or its first output), unique in the net. */
  NcnnLayer add(String type, Node node, List<String> inputs, List<String> outputs) {
    String base = node.name().isEmpty() ? outputs.get(0) : node.name();
    NcnnLayer l = new NcnnLayer(type, unique(base), inputs, outputs);
    net.layers.add(l);
    return l;
  }

  /** A fresh blob name derived from {@code base}. */
  String temp(String base) {
    return base + "_ncnn" + tempCount++;
  }

  /** A layer name not used yet, without whitespace. */
  String unique(String base) {
    String b = sanitize(base);
    String n = b;
    for (int i = 1; !layerNames.add(n); i++) {
      n = b + "_" + i;
    }
    return n;
  }

  /** ncnn reads names with {@code %255s}: no whitespace, at most 255 characters. */
  static String sanitize(String name) {
    String n = name.isEmpty() ? "unnamed" : name.replaceAll("\\s", "_");
    return n.length() > 255 ? n.substring(0, 255) : n;
  }
}
