package dev.mobilize.cpu;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.Options;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Test fixture, not a quantizer: min-max quantizes a float model into the QDQ form of
 * docs/QUANTIZATION.md (weights symmetric per output channel, activations per tensor from one run
 * on the given input), so that the int8 kernels can be tested and benchmarked before plugin.quant
 * exists. Quantized ops: Conv, Gemm ({@code transA=0}, {@code alpha=beta=1}) and MatMul with a
 * constant 2-D weight; a single Relu, Clip, LeakyRelu, Sigmoid or HardSwish reading the op's result is quantized with it. With
 * {@code powerOfTwo} every scale is rounded up to a power of two, which makes the float reference
 * exact (all sums are integers times one power of two), so int8 results must match bit for bit.
 * With {@code asymmetric}, an activation that is never negative on the input gets zero point -128 and
 * scale {@code max / 255} (as plugin.quant's option {@code activations=asymmetric}).
 */
final class QdqFixture {

  private final Graph g;
  private final boolean powerOfTwo;
  private final boolean asymmetric;
  private final Map<String, Float> maxAbs = new HashMap<>();
  private final Map<String, Float> minOf = new HashMap<>();
  private final Map<String, List<Node>> readers = new HashMap<>();
  private final Map<String, String> dequantized = new HashMap<>();
  private final Map<String, Float> scaleOf = new HashMap<>();
  private final Graph.Builder out;
  private final List<Node> nodes = new ArrayList<>();

  private QdqFixture(Graph g, boolean powerOfTwo, boolean asymmetric) {
    this.g = g;
    this.powerOfTwo = powerOfTwo;
    this.asymmetric = asymmetric;
    this.out = g.toBuilder();
    g.nodes().forEach(n -> n.inputs().forEach(i -> readers.computeIfAbsent(i, k -> new ArrayList<>()).add(n)));
  }

  static Model quantize(Model model, Map<String, Tensor> input, boolean powerOfTwo) {
    return quantize(model, input, powerOfTwo, false);
  }

  static Model quantize(Model model, Map<String, Tensor> input, boolean powerOfTwo, boolean asymmetric) {
    Model m = model.withGraph(foldBatchNorm(model.graph()));
    QdqFixture f = new QdqFixture(m.graph(), powerOfTwo, asymmetric);
    f.calibrate(m, input);
    return m.withGraph(f.rewrite());
  }

  /**
   * Conv followed by BatchNormalization (the conv's only reader) becomes one Conv,
   * {@code w' = w * γ/√(σ²+ε)}, {@code b' = (b - μ) * γ/√(σ²+ε) + β}, as plugin.optimize does before quantizing.
   */
  static Graph foldBatchNorm(Graph g) {
    Map<String, Tensor> init = g.initializers();
    Map<String, Node> producer = new HashMap<>();
    Map<String, Integer> uses = new HashMap<>();
    g.nodes().forEach(n -> n.inputs().forEach(i -> uses.merge(i, 1, Integer::sum)));
    Graph.Builder b = g.toBuilder();
    List<Node> nodes = new ArrayList<>(g.nodes());
    for (Node bn : g.nodes()) {
      g.nodes().forEach(n -> n.outputs().forEach(o -> producer.putIfAbsent(o, n)));
      Node conv = producer.get(bn.input(0));
      if (!bn.opType().equals("BatchNormalization") || conv == null || !conv.opType().equals("Conv")
          || uses.get(bn.input(0)) != 1 || !init.containsKey(conv.input(1))) {
        continue;
      }
      float eps = bn.attributes().getFloat("epsilon", 1e-5f);
      float[] gamma = init.get(bn.input(1)).toFloatArray();
      float[] beta = init.get(bn.input(2)).toFloatArray();
      float[] mean = init.get(bn.input(3)).toFloatArray();
      float[] var = init.get(bn.input(4)).toFloatArray();
      Tensor wt = init.get(conv.input(1));
      float[] w = wt.toFloatArray();
      int m = gamma.length;
      float[] bias = conv.hasInput(2) ? init.get(conv.input(2)).toFloatArray() : new float[m];
      int per = w.length / m;
      float[] b2 = new float[m];
      for (int o = 0; o < m; o++) {
        double s = gamma[o] / Math.sqrt(var[o] + (double) eps);
        for (int i = 0; i < per; i++) {
          w[o * per + i] = (float) (w[o * per + i] * s);
        }
        b2[o] = (float) ((bias[o] - mean[o]) * s + beta[o]);
      }
      b.initializer(bn.output(0) + "_w", Tensor.ofFloats(wt.dims(), w));
      b.initializer(bn.output(0) + "_b", Tensor.ofFloats(new long[] {m}, b2));
      nodes.set(nodes.indexOf(conv), conv.toBuilder().inputs(conv.input(0), bn.output(0) + "_w", bn.output(0) + "_b")
          .outputs(bn.output(0)).build());
      nodes.remove(bn);
    }
    return b.nodes(nodes).build();
  }

  /** The int8 value before the final DequantizeLinear of graph output {@code name}. */
  static String quantizedName(String name) {
    return name + "_quantized";
  }

  private void calibrate(Model m, Map<String, Tensor> input) {
    Graph.Builder b = g.toBuilder().outputs(List.of());
    g.nodes().forEach(n -> n.outputs().forEach(o -> b.output(ValueInfo.unknown(o))));
    g.inputs().forEach(v -> b.output(ValueInfo.unknown(v.name())));
    try (CpuPreparedModel p = new CpuGraphExecutor().prepare(m.withGraph(b.build()), Options.NONE)) {
      p.run(input).forEach((name, t) -> {
        if (t.type() == DataType.FLOAT) {
          float max = 0;
          float min = Float.POSITIVE_INFINITY;
          for (float v : t.toFloatArray()) {
            max = Math.max(max, Math.abs(v));
            min = Math.min(min, v);
          }
          maxAbs.put(name, max);
          minOf.put(name, min);
        }
      });
    }
  }

  /** Zero point -128: asymmetric, never negative and not all zero. */
  private boolean unsigned(String activation) {
    return asymmetric && minOf.get(activation) >= 0 && maxAbs.get(activation) > 0;
  }

  private float activationScale(String activation) {
    return scale(maxAbs.get(activation), unsigned(activation) ? 255f : 127f);
  }

  private float scale(float max, float levels) {
    float s = max > 0 ? max / levels : 1f;
    return powerOfTwo ? (float) Math.pow(2, Math.ceil(Math.log(s) / Math.log(2))) : s;
  }

  private Graph rewrite() {
    java.util.Set<String> outputs = new java.util.HashSet<>();
    g.outputs().forEach(v -> outputs.add(v.name()));
    List<ValueInfo> extra = new ArrayList<>();
    java.util.Set<Node> moved = new java.util.HashSet<>();
    for (Node n : g.nodes()) {
      if (moved.contains(n)) {
        continue;
      }
      if (!quantizable(n)) {
        nodes.add(renamed(n));
        continue;
      }
      Node act = activationAfter(n);
      Node tail = act != null ? act : n;
      String x = activation(n.input(0));
      float xs = scaleOf.get(n.input(0));
      boolean trans = !n.opType().equals("Conv") && n.attributes().getInt("transB", 0) == 0;
      Tensor w = g.initializers().get(n.input(1));
      int m = (int) w.dims()[trans ? 1 : 0];
      float[] ws = weight(n.input(1), w, m, trans);
      List<String> in = new ArrayList<>(List.of(x, n.input(1) + "_dequantized"));
      if (n.hasInput(2)) {
        in.add(bias(n.input(2), xs, ws));
      }
      String y = tail.output(0);
      boolean isOutput = outputs.contains(y);
      String yFloat = isOutput ? y + "_float" : y;
      nodes.add(renamed(n.toBuilder().inputs(in).outputs(act != null ? n.output(0) : yFloat).build()));
      if (act != null) {
        nodes.add(renamed(act.toBuilder().outputs(yFloat).build()));
        moved.add(act); // its only non-constant input is the op's result: it may run right after the op
      }
      float ys = activationScale(y);
      scaleOf.put(y, ys);
      boolean quantizedReader = readers.getOrDefault(y, List.of()).stream().anyMatch(this::quantizable);
      if (isOutput || quantizedReader) {
        String dq = isOutput ? y : y + "_dequantized";
        addQdq(yFloat, y, ys, dq);
        if (isOutput) {
          extra.add(new ValueInfo(quantizedName(y), DataType.INT8, Shape.UNKNOWN));
        }
      }
    }
    out.nodes(nodes);
    extra.forEach(out::output);
    return out.build();
  }

  /** The dequantized form of activation {@code t}, adding its Q/DQ pair the first time. */
  private String activation(String t) {
    String dq = dequantized.get(t);
    if (dq == null) {
      float s = activationScale(t);
      scaleOf.put(t, s);
      dq = t + "_dequantized";
      addQdq(t, t, s, dq);
    }
    return dq;
  }

  private void addQdq(String from, String name, float scale, String dq) {
    out.initializer(name + "_scale", Tensor.scalar(scale));
    out.initializer(name + "_zero_point", Tensor.of(DataType.INT8, new long[0],
        new byte[] {unsigned(name) ? (byte) -128 : 0}));
    nodes.add(Node.builder("QuantizeLinear").inputs(from, name + "_scale", name + "_zero_point")
        .outputs(quantizedName(name)).build());
    nodes.add(Node.builder("DequantizeLinear").inputs(quantizedName(name), name + "_scale", name + "_zero_point")
        .outputs(dq).build());
    dequantized.put(name, dq);
  }

  /** {@code W_scale[c] = max|W[c]| / 127}, {@code W_q = clamp(rint(W / W_scale), -127, 127)}. */
  private float[] weight(String name, Tensor w, int m, boolean trans) {
    float[] v = w.toFloatArray();
    int per = v.length / m;
    float[] ws = new float[m];
    for (int i = 0; i < v.length; i++) {
      int c = trans ? i % m : i / per;
      ws[c] = Math.max(ws[c], Math.abs(v[i]));
    }
    for (int c = 0; c < m; c++) {
      ws[c] = scale(ws[c], 127f);
    }
    byte[] q = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      q[i] = (byte) Math.max(-127, Math.min(127, Math.rint(v[i] / ws[trans ? i % m : i / per])));
    }
    out.initializer(name + "_quantized", Tensor.of(DataType.INT8, w.dims(), q));
    out.initializer(name + "_scale", Tensor.ofFloats(new long[] {m}, ws));
    out.initializer(name + "_zero_point", Tensor.of(DataType.INT8, new long[] {m}, new byte[m]));
    nodes.add(Node.builder("DequantizeLinear").inputs(name + "_quantized", name + "_scale", name + "_zero_point")
        .outputs(name + "_dequantized").attributes(Attributes.builder().set("axis", trans ? 1L : 0L).build()).build());
    return ws;
  }

  /** {@code B_scale = x_scale * W_scale}, {@code B_q = rint(B / B_scale)} as int32. */
  private String bias(String name, float xs, float[] ws) {
    float[] b = g.initializers().get(name).toFloatArray();
    float[] bs = new float[b.length];
    int[] q = new int[b.length];
    for (int c = 0; c < b.length; c++) {
      bs[c] = xs * ws[c];
      q[c] = (int) Math.rint(b[c] / bs[c]);
    }
    out.initializer(name + "_quantized", Tensor.ofInts(new long[] {b.length}, q));
    out.initializer(name + "_scale", Tensor.ofFloats(new long[] {b.length}, bs));
    out.initializer(name + "_zero_point", Tensor.ofInts(new long[] {b.length}, new int[b.length]));
    nodes.add(Node.builder("DequantizeLinear").inputs(name + "_quantized", name + "_scale", name + "_zero_point")
        .outputs(name + "_dequantized").attributes(Attributes.builder().set("axis", 0L).build()).build());
    return name + "_dequantized";
  }

  private boolean quantizable(Node n) {
    if (!n.domain().isEmpty() || n.inputs().size() < 2 || !maxAbs.containsKey(n.input(0))) {
      return false;
    }
    Tensor w = g.initializers().get(n.input(1));
    boolean bias = !n.hasInput(2) || g.initializers().containsKey(n.input(2))
        && g.initializers().get(n.input(2)).rank() == 1;
    return switch (n.opType()) {
      case "Conv" -> w != null && w.rank() == 4 && bias;
      case "Gemm" -> w != null && w.rank() == 2 && bias && n.attributes().getInt("transA", 0) == 0
          && n.attributes().getFloat("alpha", 1f) == 1f && n.attributes().getFloat("beta", 1f) == 1f;
      case "MatMul" -> w != null && w.rank() == 2;
      default -> false;
    };
  }

  private Node activationAfter(Node n) {
    List<Node> r = readers.getOrDefault(n.output(0), List.of());
    if (r.size() != 1 || g.outputs().stream().anyMatch(v -> v.name().equals(n.output(0)))) {
      return null;
    }
    Node a = r.get(0);
    boolean constBounds = a.inputs().stream().skip(1).allMatch(i -> i.isEmpty() || g.initializers().containsKey(i));
    return a.domain().isEmpty() && (List.of("Relu", "LeakyRelu", "Sigmoid", "HardSwish").contains(a.opType()) || a.opType().equals("Clip") && constBounds) ? a : null;
  }

  /** A float node reading a quantized tensor reads its dequantized form. */
  private Node renamed(Node n) {
    List<String> in = new ArrayList<>();
    for (String i : n.inputs()) {
      String dq = dequantized.get(i);
      in.add(dq != null && !dq.equals(i) && !n.opType().equals("QuantizeLinear") ? dq : i);
    }
    return n.toBuilder().inputs(in).build();
  }
}
