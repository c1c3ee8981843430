package dev.mobilize.mace;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.FusedOps;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.qdq.QdqConstant;
import dev.mobilize.qdq.QdqMatcher;
import dev.mobilize.qdq.QdqPair;
import dev.mobilize.qdq.QuantizedOp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lowers a QDQ graph (docs/QUANTIZATION.md) to what MACE's quantized CPU kernels run: asymmetric
 * uint8 tensors with a per-tensor scale and zero point (gemmlowp style). Our int8 value {@code q}
 * with zero point 0 is the uint8 value {@code q + 128} with zero point 128.
 *
 * <p>A quantized {@code Conv}/{@code FusedConv} (group 1 or depthwise, no dilation) or
 * {@code Gemm}/{@code FusedGemm} is lowered when its input comes through a Q→DQ pair, its weight is
 * a dequantized int8 constant, its bias (if any) a dequantized int32 constant, and its output reaches
 * a QuantizeLinear through at most an activation (Relu, Clip(0, hi)), MaxPools and a final Flatten:
 * the QuantizeLinear gives the uint8 output's scale. MACE's uint8 convolution applies no activation;
 * the activation is its output range instead, as MACE's converter does it: zero point 0 (saturation
 * at 0 is the Relu) and 255 at the calibrated maximum {@code 127·s} (or hi of Clip(0, hi) if lower),
 * so the uint8 value clips where the int8 one does, on a grid twice as fine.
 * A Gemm runs as a convolution over its (NCHW-flattened) input's spatial extent.
 *
 * <p>Lowered nodes keep ONNX op types (so shape inference and the exporter's folding still see
 * them) and carry {@value #SCALE}/{@value #ZERO_POINT} (the uint8 output's quantization); the
 * writers of {@link MaceInt8Writers} turn them into MACE's Quantize, Dequantize, Conv2D,
 * DepthwiseConv2d and Pooling ops of type DT_UINT8. MACE stores one scale per weight tensor:
 * per-channel int8 weights are requantized to one scale ({@code max|W|/127}). A quantized op that
 * cannot be lowered is written in float (weights dequantized) with a warning naming it.
 */
final class MaceInt8Lowering {

  private static final Logger LOG = LoggerFactory.getLogger(MaceInt8Lowering.class);

  /** uint8 output scale of a lowered node (float). */
  static final String SCALE = "mace_q8_scale";
  /** uint8 output zero point of a lowered node (int). */
  static final String ZERO_POINT = "mace_q8_zero_point";
  /** Per-output-channel float scales of a lowered convolution's int8 weight (tensor). */
  static final String WEIGHT_SCALE = "mace_q8_weight_scale";
  /** Per-output-channel float bias of a lowered convolution (tensor), requantized by the writer. */
  static final String BIAS = "mace_q8_bias";
  /** The uint8 scale of a lowered convolution's input (float). */
  static final String INPUT_SCALE = "mace_q8_input_scale";

  private static final Set<String> CONVS = Set.of("Conv", FusedOps.FUSED_CONV);
  private static final Set<String> GEMMS = Set.of("Gemm", FusedOps.FUSED_GEMM);

  private MaceInt8Lowering() {}

  /** True if the node was produced by this lowering (the int8 writers write it). */
  static boolean lowered(Node n) {
    return n.attributes().has(SCALE);
  }

  /** A lowered op: the op, the activation, MaxPools and Flatten after it, the final Q, and its uint8 output. */
  private record Plan(Node op, List<Node> chain, Node quantize, float outScale, int outZero) {}

  /**
   * The graph with its lowerable QDQ patterns marked for uint8 writing.
   *
   * @param warn log a warning for each quantized op written in float (the writing pass does; the
   *     pre-flight check, which lowers the same graph first, does not, so each warning shows once)
   */
  static Graph lower(Graph g, boolean warn) {
    if (g.nodes().stream().noneMatch(n -> n.domain().isEmpty() && n.opType().equals("DequantizeLinear"))) {
      return g;
    }
    return new MaceInt8Lowering.Run(g, warn).run();
  }

  private static final class Run {
    final Graph g;
    final Map<String, List<Node>> consumers = new HashMap<>();
    final Set<String> outputs = new HashSet<>();
    final QdqMatcher qdq;
    final Map<String, QdqPair> pairs = new HashMap<>();    // DQ output -> symmetric int8 pair
    final Map<String, QdqConstant> consts = new HashMap<>(); // DQ output -> symmetric dequantized constant
    final Map<String, Plan> plans = new LinkedHashMap<>(); // op name -> plan
    final Map<String, float[]> uint8 = new HashMap<>();    // uint8 value -> {scale, zero point}
    final Map<String, long[]> dims4 = new HashMap<>();     // uint8 value -> its NCHW dims
    final Graph.Builder b;
    final Set<String> taken = new HashSet<>();

    final boolean warn;

    Run(Graph g, boolean warn) {
      this.g = g;
      this.warn = warn;
      this.b = g.toBuilder();
      this.qdq = QdqMatcher.of(g);
      for (Node n : g.nodes()) {
        n.inputs().forEach(i -> consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n));
        taken.addAll(n.inputs());
        taken.addAll(n.outputs());
      }
      g.outputs().forEach(o -> outputs.add(o.name()));
      taken.addAll(g.initializers().keySet());
    }

    Graph run() {
      qdq.pairs().forEach((v, p) -> {
        if (p.symmetric() && int8(p.quantize())) {
          pairs.put(v, p);
        }
      });
      qdq.constants().forEach((v, c) -> {
        if (c.symmetric()) {
          consts.put(v, c);
        }
      });
      for (Node n : g.nodes()) {
        boolean conv = CONVS.contains(n.opType()) && (n.domain().isEmpty() || n.domain().equals(Node.MOBILIZE_DOMAIN));
        boolean gemm = GEMMS.contains(n.opType()) && (n.domain().isEmpty() || n.domain().equals(Node.MOBILIZE_DOMAIN));
        if ((conv || gemm) && n.inputs().size() >= 2 && consts.containsKey(n.input(1))) {
          String why = plan(n, gemm);
          if (why != null && warn) {
            LOG.warn("node '{}' ({}) is quantized but is written in float for MACE: {}", n.name(), n.opType(), why);
          }
        }
      }
      Map<String, Node> absorbed = new HashMap<>();   // Q node name -> plan op that writes its output
      Set<String> skipped = new HashSet<>();          // chain nodes written with their op
      for (Plan p : plans.values()) {
        absorbed.put(p.quantize().name(), p.op());
        p.chain().forEach(c -> skipped.add(c.name()));
      }
      // uint8 scales of the values lowered ops write, then of the pairs quantized from float
      for (Plan p : plans.values()) {
        uint8.put(p.quantize().output(0), new float[] {p.outScale(), p.outZero()});
      }
      for (QdqPair pr : pairs.values()) {
        uint8.putIfAbsent(pr.quantized(), new float[] {pr.scale(), 128});
      }
      List<Node> nodes = new ArrayList<>();
      Set<String> pairDone = new HashSet<>();
      for (Node n : g.nodes()) {
        if (skipped.contains(n.name())) {
          continue;
        }
        Plan p = plans.get(n.name());
        if (p != null) {
          emitPlan(p, nodes);
          continue;
        }
        if (n.domain().isEmpty() && n.opType().equals("QuantizeLinear") && isPairQuantize(n)) {
          if (!absorbed.containsKey(n.name())) {
            emitQuantize(n, nodes);
          }
          continue;
        }
        if (n.domain().isEmpty() && n.opType().equals("DequantizeLinear")) {
          QdqPair pr = pairs.get(n.output(0));
          if (pr != null) {
            if (pairDone.add(n.output(0)) && floatUse(n.output(0))) {
              emitDequantize(pr.quantized(), n.output(0), n.name(), nodes);
            }
            continue;
          }
          QdqConstant c = consts.get(n.output(0));
          if (c != null) {
            if (floatUse(n.output(0))) {
              b.initializer(n.output(0), c.dequantized());
            }
            continue;
          }
        }
        nodes.add(n);
      }
      Set<String> read = new HashSet<>(outputs);
      nodes.forEach(n -> read.addAll(n.inputs()));
      Graph built = b.nodes(nodes).build();
      Map<String, Tensor> kept = new LinkedHashMap<>();
      built.initializers().forEach((k, v) -> {
        if (read.contains(k)) {
          kept.put(k, v);
        }
      });
      return built.toBuilder().initializers(kept).build();
    }

    /** Whether a pair's QuantizeLinear writes int8 (its zero point is int8, or absent). */
    private boolean int8(Node quantize) {
      return !quantize.hasInput(2) || g.initializer(quantize.input(2)).map(t -> t.type() == DataType.INT8).orElse(false);
    }

    private boolean isPairQuantize(Node q) {
      for (QdqPair p : pairs.values()) {
        if (p.quantize() == q) {
          return true;
        }
      }
      return false;
    }

    /** Whether a DQ output is read by anything but lowered ops (or is a graph output). */
    private boolean floatUse(String value) {
      if (outputs.contains(value)) {
        return true;
      }
      for (Node c : consumers.getOrDefault(value, List.of())) {
        Plan p = plans.get(c.name());
        if (p == null || !c.input(0).equals(value)) {
          return true;
        }
      }
      return false;
    }

    /** Plans a lowered op; returns why it cannot be lowered, or null. */
    private String plan(Node n, boolean gemm) {
      QdqMatcher.Match m = qdq.match(n);
      if (!m.matched()) {
        return m.reason();
      }
      QuantizedOp op = m.op();
      QdqPair in = pairs.get(n.input(0));
      if (in == null) {
        return "its input's QuantizeLinear→DequantizeLinear pair is not int8 with zero point 0 (zero point "
            + op.input().zeroPoint() + ")";
      }
      QdqConstant w = op.weight();
      Attributes a = n.attributes();
      if (!gemm) {
        if (w.values().rank() != 4) {
          return "its weight is not a per-output-channel [M, C/g, kh, kw] tensor";
        }
        long group = a.getInt("group", 1);
        long[] d = w.values().dims();
        if (group != 1 && !(d[1] == 1 && d[0] == group)) {
          return "group convolution (group " + group + ") other than depthwise has no uint8 kernel in MACE";
        }
        for (long x : a.ints("dilations", new long[] {1, 1})) {
          if (x != 1) {
            return "MACE's uint8 convolution has no dilation";
          }
        }
        String autoPad = a.getString("auto_pad", "NOTSET");
        if (!autoPad.equals("NOTSET") && !autoPad.equals("VALID") && !autoPad.equals("SAME_UPPER")) {
          return "auto_pad " + autoPad;
        }
        try {
          MaceWriters.totalPads(n, a.ints("pads", null));
        } catch (IllegalArgumentException e) {
          return e.getMessage();
        }
      }
      // the output: [activation] [MaxPool...] [Flatten] → QuantizeLinear
      float hi = Float.POSITIVE_INFINITY;
      boolean act = false;
      List<Node> chain = new ArrayList<>();
      String v = n.output(0);
      if (!op.activation().isEmpty()) {
        float[] p = op.activationBounds();
        if (op.activation().equals("Relu")) {
          act = true;
        } else if (op.activation().equals("Clip") && p.length >= 2 && p[0] == 0f && p[1] > 0f) {
          act = true;
          hi = p[1];
        } else {
          return "activation " + op.activation() + " has no uint8 form (Relu and Clip(0, hi) have)";
        }
        if (op.activationNode() != null) {
          chain.add(op.activationNode());
          v = op.output();
        }
      }
      long[] pre = null;
      for (Node c = only(v); c != null && !gemm && c.domain().isEmpty(); c = only(v)) {
        if (c.opType().equals("MaxPool") && plainPool(c)) {
          chain.add(c);
          v = c.output(0);
        } else if (c.opType().equals("Flatten") && c.attributes().getInt("axis", 1) == 1) {
          pre = dims(c.input(0));
          chain.add(c);
          v = c.output(0);
          break;
        } else {
          break;
        }
      }
      Node q = only(v);
      if (q == null || !q.domain().isEmpty() || !q.opType().equals("QuantizeLinear") || !isPairQuantize(q)) {
        return "its output reaches no QuantizeLinear (its consumers are float, e.g. a residual Add), so it has no "
            + "output scale";
      }
      if (pre != null && (pre.length != 4 || !onlyGemmReaders(q.output(0)))) {
        return "its flattened output is read by other than lowered Gemms";
      }
      long[] inDims = dims(in.input());
      if (gemm && (inDims == null || inDims.length != 2 && !dims4.containsKey(in.quantized()))) {
        return "its input is not a matrix";
      }
      if (!gemm && (inDims == null || inDims.length != 4)) {
        return "its input is not a 4-D feature map";
      }
      double werr = requantizationError(w.values(), w.scale(), w.axis());
      LOG.debug("node '{}': its int8 weight with one scale has relative L2 error {} against per-channel scales",
          n.name(), werr);
      float s = q.input(1).isEmpty() ? 1f : g.initializers().get(q.input(1)).toFloatArray()[0];
      // MACE's range for an activated output is [0, max]: max the calibrated 127·s (or hi if lower), 255 steps
      float outScale = act ? Math.min(127f * s, hi) / 255f : s;
      plans.put(n.name(), new Plan(n, chain, q, outScale, act ? 0 : 128));
      if (pre != null) {
        dims4.put(q.output(0), pre);
      }
      return null;
    }

    private boolean onlyGemmReaders(String qValue) {
      for (Node dq : consumers.getOrDefault(qValue, List.of())) {
        for (Node c : consumers.getOrDefault(dq.output(0), List.of())) {
          if (!GEMMS.contains(c.opType())) {
            return false;
          }
        }
      }
      return true;
    }

    private static boolean plainPool(Node p) {
      Attributes a = p.attributes();
      long[] k = a.ints("kernel_shape", new long[0]);
      return k.length == 2 && a.getInt("storage_order", 0) == 0 && p.outputs().size() == 1
          && java.util.Arrays.equals(a.ints("dilations", new long[] {1, 1}), new long[] {1, 1})
          && (a.getString("auto_pad", "NOTSET").equals("NOTSET") || a.getString("auto_pad", "").equals("VALID"));
    }

    /** The single consumer of a value that is no graph output, or null. */
    private Node only(String v) {
      List<Node> c = consumers.getOrDefault(v, List.of());
      return c.size() == 1 && !outputs.contains(v) ? c.get(0) : null;
    }

    private long[] dims(String v) {
      Tensor t = g.initializers().get(v);
      if (t != null) {
        return t.dims();
      }
      return g.info(v).flatMap(i -> i.shape().staticDims()).orElse(null);
    }

    private String fresh(String base) {
      String n = base;
      for (int i = 1; !taken.add(n); i++) {
        n = base + "_" + i;
      }
      return n;
    }

    private void info(String v, DataType t, long[] d) {
      b.valueInfo(new ValueInfo(v, t, Shape.of(d)));
    }

    /** Q of a pair fed from float: MACE Quantize, through a [N, K, 1, 1] reshape for a matrix read by a Gemm. */
    private void emitQuantize(Node q, List<Node> nodes) {
      String x = q.input(0);
      float[] sz = uint8.get(q.output(0));
      long[] d = dims(x);
      if (d != null && d.length == 2 && readByLoweredGemm(q.output(0))) {
        long[] d4 = {d[0], d[1], 1, 1};
        String shape = fresh(x + "_shape4");
        b.initializer(shape, Tensor.vector(d4));
        String x4 = fresh(x + "_4d");
        nodes.add(Node.builder("Reshape").name(fresh(x + "_to_4d")).inputs(x, shape).outputs(x4).build());
        info(x4, DataType.FLOAT, d4);
        x = x4;
        d = d4;
        dims4.put(q.output(0), d4);
      }
      nodes.add(q.toBuilder().inputs(x, q.input(1)).attributes(q.attributes().toBuilder()
          .set(SCALE, sz[0]).set(ZERO_POINT, (long) sz[1]).build()).build());
      if (d != null) {
        info(q.output(0), DataType.UINT8, d);
      }
    }

    private boolean readByLoweredGemm(String qValue) {
      for (Node dq : consumers.getOrDefault(qValue, List.of())) {
        for (Node c : consumers.getOrDefault(dq.output(0), List.of())) {
          Plan p = plans.get(c.name());
          if (p != null && GEMMS.contains(c.opType())) {
            return true;
          }
        }
      }
      return false;
    }

    /** MACE Dequantize of a uint8 value into {@code out}, reshaped back when the uint8 value was carried 4-D. */
    private void emitDequantize(String q, String out, String name, List<Node> nodes) {
      float[] sz = uint8.get(q);
      long[] d = dims(out);
      long[] d4 = dims4.get(q);
      Attributes attrs = Attributes.builder().set(SCALE, sz[0]).set(ZERO_POINT, (long) sz[1]).build();
      if (d4 == null || d != null && d.length == 4) {
        nodes.add(Node.builder("DequantizeLinear").name(name).inputs(q, scaleConst(q, sz[0]))
            .outputs(out).attributes(attrs).build());
        return;
      }
      String f4 = fresh(out + "_4d");
      nodes.add(Node.builder("DequantizeLinear").name(name).inputs(q, scaleConst(q, sz[0]))
          .outputs(f4).attributes(attrs).build());
      info(f4, DataType.FLOAT, d4);
      String shape = fresh(out + "_shape");
      b.initializer(shape, Tensor.vector(d));
      nodes.add(Node.builder("Reshape").name(fresh(out + "_from_4d")).inputs(f4, shape).outputs(out).build());
    }

    private String scaleConst(String q, float s) {
      String n = fresh(q + "_mace_scale");
      b.initializer(n, Tensor.scalar(s));
      return n;
    }

    /** The lowered op (a Conv on uint8 values), then its MaxPools; the last writes the Q's output. */
    private void emitPlan(Plan p, List<Node> nodes) {
      Node n = p.op();
      QdqPair in = pairs.get(n.input(0));
      float[] inSz = uint8.get(in.quantized());
      QdqConstant w = consts.get(n.input(1));
      boolean gemm = GEMMS.contains(n.opType());
      Tensor weight = w.values();
      float[] wScale = w.scale();
      Attributes.Builder a = Attributes.builder();
      long[] inDims = dims4.containsKey(in.quantized()) ? dims4.get(in.quantized()) : dims(in.input());
      if (gemm) {
        weight = gemmWeight(w, n.attributes().getInt("transB", 0) != 0, inDims);
        a.ints("kernel_shape", inDims[2], inDims[3]).ints("strides", 1, 1).ints("pads", 0, 0, 0, 0);
      } else {
        for (Map.Entry<String, dev.mobilize.ir.Attribute> e : n.attributes().asMap().entrySet()) {
          if (!e.getKey().equals(FusedOps.ACTIVATION) && !e.getKey().equals(FusedOps.ACTIVATION_PARAMS)) {
            a.set(e.getKey(), e.getValue());
          }
        }
      }
      long m = weight.dims()[0];
      float[] bias = new float[(int) m];
      if (n.hasInput(2)) {
        QdqConstant bq = consts.get(n.input(2));
        float[] v = bq.values().toFloatArray();
        for (int c = 0; c < m; c++) {
          bias[c] = v[c] * bq.scale()[bq.scale().length == 1 ? 0 : c];
        }
      }
      String wName = fresh(w.dequantize().input(0) + "_uint8");
      b.initializer(wName, weight);
      String last = p.quantize().output(0);
      int pools = (int) p.chain().stream().filter(c -> c.opType().equals("MaxPool")).count();
      String convOut = pools == 0 ? last : fresh(n.output(0) + "_uint8");
      a.set(SCALE, p.outScale()).set(ZERO_POINT, (long) p.outZero()).set(INPUT_SCALE, inSz[0])
          .set(WEIGHT_SCALE, Tensor.ofFloats(new long[] {wScale.length}, wScale))
          .set(BIAS, Tensor.ofFloats(new long[] {m}, bias));
      if (!gemm) {
        a.set("group", n.attributes().getInt("group", 1));
      }
      nodes.add(Node.builder("Conv").name(n.name()).inputs(in.quantized(), wName).outputs(convOut).attributes(a.build())
          .build());
      long[] convDims = gemm ? new long[] {inDims[0], m, 1, 1} : dims(n.output(0));
      info(convOut, DataType.UINT8, convDims);
      String prev = convOut;
      int k = 0;
      for (Node c : p.chain()) {
        if (!c.opType().equals("MaxPool")) {
          continue;
        }
        k++;
        String out = k == pools ? last : fresh(c.output(0) + "_uint8");
        nodes.add(c.toBuilder().inputs(prev).outputs(out).attributes(c.attributes().toBuilder()
            .set(SCALE, p.outScale()).set(ZERO_POINT, (long) p.outZero()).build()).build());
        info(out, DataType.UINT8, dims(c.output(0)));
        prev = out;
      }
      if (gemm) {
        dims4.put(last, convDims);
      }
    }

    /** A Gemm's int8 weight as an OIHW filter over its input's [C, H, W] (NCHW flatten order). */
    private static Tensor gemmWeight(QdqConstant w, boolean transB, long[] in) {
      long[] d = w.values().dims();
      byte[] src = w.values().toByteArray();
      int rows = (int) (transB ? d[0] : d[1]);
      int cols = (int) (transB ? d[1] : d[0]);
      byte[] dst = new byte[src.length];
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          dst[r * cols + c] = transB ? src[r * cols + c] : src[c * rows + r];
        }
      }
      long c = in.length == 4 ? in[1] : cols;
      long h = in.length == 4 ? in[2] : 1;
      long wd = in.length == 4 ? in[3] : 1;
      return Tensor.of(DataType.INT8, new long[] {rows, c, h, wd}, dst);
    }
  }

  /**
   * The relative L2 error of storing a per-channel int8 weight with one scale {@code max|W|/127}:
   * {@code ||W_tensor − W|| / ||W||} with {@code W = q · scale[c]} along {@code axis}.
   */
  static double requantizationError(Tensor q, float[] scale, int axis) {
    float[] v = q.toFloatArray();
    long[] d = q.dims();
    long inner = 1;
    for (int i = axis + 1; i < d.length; i++) {
      inner *= d[i];
    }
    float[] w = new float[v.length];
    float max = 0;
    for (int i = 0; i < v.length; i++) {
      w[i] = v[i] * scale[scale.length == 1 ? 0 : (int) ((i / inner) % d[axis])];
      max = Math.max(max, Math.abs(w[i]));
    }
    float t = max == 0 ? 1f : max / 127f;
    double num = 0;
    double den = 0;
    for (float x : w) {
      double r = Math.max(-127, Math.min(127, Math.rint(x / t))) * t - x;
      num += r * r;
      den += (double) x * x;
    }
    return den == 0 ? 0 : Math.sqrt(num / den);
  }
}
