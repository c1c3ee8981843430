package dev.mobilize.tnn;

import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Node;
import dev.mobilize.qdq.QdqMatcher;
import dev.mobilize.qdq.QdqPair;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the ops of a QDQ graph quantized in the ONNX Runtime QDQ style (docs/QUANTIZATION.md,
 * option int8-ops) that TNN runs on int8 blobs without weights: every input {@code DQ(Q(x))} and the
 * output read by a Q, symmetric, per-tensor scales. QuantizedPooling and QuantizedReLU do not
 * rescale, so there the output scale must equal the input scale; QuantizedAdd adds two blobs of one
 * 4-D shape (TNN's int8 Add neither broadcasts nor takes constants); QuantizedConcat requantizes each
 * input to the output scale. Average pooling stays float: TNN's int8 average divides the int32 sum
 * by an integer (NAIVE and ARM alike), truncating toward zero where QuantizeLinear rounds, one step
 * off in about half the outputs.
 */
final class Int8Ops {

  /** The IR ops TNN runs in int8 here and TNN's layer type for each (the writer adds "Quantized"). */
  static final Map<String, String> TYPES = Map.of("MaxPool", "Pooling", "GlobalMaxPool", "Pooling", "Relu", "ReLU",
      "Add", "Add", "Concat", "Concat");

  /** The op types declared to the quantizer (mobilize.int8.ops). */
  static final String DECLARED = "MaxPool,GlobalMaxPool,Add,Concat,Relu";

  private static final Set<String> SAME_SCALE = Set.of("Pooling", "ReLU");

  private Int8Ops() {}

  /**
   * One op on int8 blobs: the scale of each input and of the output.
   *
   * @param type TNN's layer type without the "Quantized" prefix
   */
  record Int8Op(String type, float[] inputScales, float outputScale) {}

  /** The int8 ops by their node's output. */
  static Map<String, Int8Op> find(Graph g) {
    Map<String, Node> producer = new HashMap<>();
    for (Node n : g.nodes()) {
      n.outputs().forEach(o -> producer.put(o, n));
    }
    QdqMatcher qdq = QdqMatcher.of(g);
    Map<String, Int8Op> found = new HashMap<>();
    Node previous = null;
    for (Node n : g.nodes()) {
      String type = n.domain().isEmpty() ? TYPES.get(n.opType()) : null;
      if (type != null && n.outputs().size() == 1 && !(type.equals("Add") && fusedByTnn(g, previous, n, producer))) {
        match(n, type, g, qdq).ifPresent(op -> found.put(n.output(0), op));
      }
      if (!ALIASES.contains(n.opType())) {
        previous = n;
      }
    }
    return found;
  }

  /** Nodes written as blob aliases, not layers. */
  private static final Set<String> ALIASES = Set.of("QuantizeLinear", "DequantizeLinear", "Identity", "Dropout");

  /**
   * True when TNN would fuse the convolution written just before this Add into a QuantizedAdd
   * (net_optimizer_fuse_conv_add: a 1×1, stride 1, unpadded, ungrouped int8 convolution whose output
   * the Add reads): TNN then adds the convolution's unquantized result, which the QDQ graph does not,
   * so such an Add stays float (it still reads and writes the quantized values).
   */
  private static boolean fusedByTnn(Graph g, Node previous, Node add, Map<String, Node> producer) {
    if (previous == null || !(previous.opType().equals("Conv") || previous.opType().equals("FusedConv"))) {
      return false;
    }
    var a = previous.attributes();
    long[] w = g.info(previous.input(1)).flatMap(v -> v.shape().staticDims()).orElse(null);
    boolean pointwise = w != null && w.length == 4 && w[2] == 1 && w[3] == 1 && a.getInt("group", 1) == 1
        && Arrays.stream(a.ints("strides", new long[] {1, 1})).allMatch(v -> v == 1)
        && Arrays.stream(a.ints("pads", new long[] {0, 0, 0, 0})).allMatch(v -> v == 0);
    if (!pointwise) {
      return false;
    }
    for (String in : add.inputs()) {
      // the Add's input, through DQ(Q(...)) and an activation of the conv, back to the conv
      Node p = producer.get(in);
      for (int hops = 0; p != null && p != previous && hops < 4; hops++) {
        p = p.inputs().isEmpty() ? null : producer.get(p.input(0));
      }
      if (p == previous) {
        return true;
      }
    }
    return false;
  }

  private static Optional<Int8Op> match(Node n, String type, Graph g, QdqMatcher qdq) {
    float[] in = new float[n.inputs().size()];
    for (int i = 0; i < in.length; i++) {
      Float s = qdq.pair(n.input(i)).filter(QdqPair::symmetric).map(QdqPair::scale).orElse(null);
      if (s == null) {
        return Optional.empty();
      }
      in[i] = s;
    }
    Float out = qdq.outputPair(n.output(0)).filter(QdqPair::symmetric).map(QdqPair::scale).orElse(null);
    if (out == null || in.length == 0) {
      return Optional.empty();
    }
    if (SAME_SCALE.contains(type) && in[0] != out) {
      return Optional.empty();
    }
    if (type.equals("Add")) {
      long[] a = dims(g, n.input(0));
      long[] b = in.length == 2 ? dims(g, n.input(1)) : null;
      if (a == null || b == null || a.length != 4 || !Arrays.equals(a, b)) {
        return Optional.empty();
      }
    }
    return Optional.of(new Int8Op(type, in, out));
  }

  private static long[] dims(Graph g, String value) {
    return g.info(value).flatMap(v -> v.shape().staticDims()).orElse(null);
  }
}
