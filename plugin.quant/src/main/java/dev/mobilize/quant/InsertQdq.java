package dev.mobilize.quant;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites a float graph into the QDQ form of docs/QUANTIZATION.md for the given targets: a Q→DQ
 * pair on each of the given values (the data input of every target, every target's activated output
 * that is a graph output, and what an {@link Int8Scope} adds; one pair per tensor, read by all its
 * consumers); per-channel int8 weights and int32
 * biases behind DequantizeLinear. A graph output keeps its name: the float value is renamed
 * {@code <output>_float} and the final DequantizeLinear writes the output. Compact, since the file
 * is what the user ships: the biases' and convolution weights' DequantizeLinear have no zero point
 * (ONNX's default 0), every activation pair reads one of two shared int8 zero points (0, or -128 for a
 * never-negative tensor quantized asymmetrically), and the values the rewrite adds get no value_info
 * (their types and shapes follow from ONNX's rules).
 */
final class InsertQdq {

  static final String QUANTIZATION = "mobilize.quantization";
  static final String CALIBRATION = "mobilize.calibration";
  static final String ZERO_POINT = "int8_zero_point";
  /** The shared zero point -128 of never-negative tensors quantized asymmetrically. */
  static final String UNSIGNED_ZERO_POINT = "int8_zero_point_unsigned";

  private final Graph g;
  private final Map<String, Float> scales;
  private final Map<String, Node> weightNodes = new LinkedHashMap<>();
  private final Map<String, Tensor> newInitializers = new LinkedHashMap<>();
  private final Map<String, ChannelQuantization.Weights> quantizedWeights = new HashMap<>();
  private final Map<String, double[]> means;
  /** The int8 zero point 0 that every symmetric activation QuantizeLinear/DequantizeLinear reads. */
  private final String zeroPoint;
  /** The int8 zero point -128 that the activations in {@link #unsigned} read. */
  private final String unsignedZeroPoint;
  private final Set<String> unsigned;

  private InsertQdq(Graph g, Map<String, Float> scales, Set<String> unsigned, Map<String, double[]> means) {
    this.g = g;
    this.scales = scales;
    this.unsigned = unsigned;
    this.means = means;
    this.zeroPoint = freshName(g, ZERO_POINT, Set.of());
    this.unsignedZeroPoint = freshName(g, UNSIGNED_ZERO_POINT, Set.of(zeroPoint));
  }

  /** {@code base}, or {@code base_2}, {@code base_3}, ... whichever no value of {@code g} nor {@code taken} is. */
  private static String freshName(Graph g, String base, Set<String> taken) {
    Set<String> used = new HashSet<>(g.initializers().keySet());
    used.addAll(taken);
    g.inputs().forEach(i -> used.add(i.name()));
    g.nodes().forEach(n -> used.addAll(n.outputs()));
    String name = base;
    for (int k = 2; used.contains(name); k++) {
      name = base + "_" + k;
    }
    return name;
  }

  /** The values that get a Q→DQ pair for these targets in the form without extensions. */
  static Set<String> quantizedValues(Graph g, List<QuantTarget> targets) {
    return Int8Scope.DEFAULT.values(g, targets, List.of());
  }

  /**
   * The QDQ model in the form without extensions, without bias correction.
   *
   * @param scales the activation scale of every value of {@link #quantizedValues}
   */
  static Model apply(Model model, List<QuantTarget> targets, Map<String, Float> scales, String method) {
    return apply(model, targets, quantizedValues(model.graph(), targets), scales, Set.of(), Map.of(), method);
  }

  /**
   * The QDQ model with bias correction: each target's float bias is first corrected by
   * {@code Σ_k (W − W_dq)[c,k]·mean(x_k)}, the mean output shift that rounding the weights causes
   * (a Conv or Gemm without bias gets one when the correction is not zero).
   *
   * @param values the values that get a Q→DQ pair ({@link Int8Scope#values})
   * @param scales the activation scale of every one of {@code values}
   * @param unsigned those of {@code values} quantized from zero point -128 (never negative; scale T / 255)
   * @param means per-channel means of target inputs over the calibration data (missing: no correction)
   */
  static Model apply(Model model, List<QuantTarget> targets, Set<String> values, Map<String, Float> scales,
      Set<String> unsigned, Map<String, double[]> means, String method) {
    Graph g = model.graph();
    Graph quantized = new InsertQdq(g, scales, unsigned, means).rewrite(targets, values);
    Map<String, String> meta = new LinkedHashMap<>(model.metadata());
    meta.put(QUANTIZATION, "int8");
    meta.put(CALIBRATION, method);
    return model.withGraph(quantized).withMetadata(meta);
  }

  /** The name a value's dequantized form has in the QDQ graph (a graph output keeps its own name). */
  static String dequantized(Graph g, String value) {
    return isGraphOutput(g, value) ? value : value + "_dequantized";
  }

  /** The name a value's float form has in the QDQ graph. */
  static String floatValue(Graph g, String value) {
    return isGraphOutput(g, value) ? value + "_float" : value;
  }

  private static boolean isGraphOutput(Graph g, String value) {
    return g.outputs().stream().anyMatch(o -> o.name().equals(value));
  }

  private Graph rewrite(List<QuantTarget> targets, Set<String> qv) {
    for (String v : qv) {
      if (!scales.containsKey(v)) {
        throw new IllegalStateException("no scale for " + v);
      }
    }
    Map<Node, QuantTarget> byNode = new HashMap<>();
    targets.forEach(t -> byNode.put(t.node(), t));
    // what every reader of a quantized value reads instead
    Map<String, String> renamed = new HashMap<>();
    for (String v : qv) {
      renamed.put(v, dequantized(g, v));
    }
    Set<String> outputsRenamed = new HashSet<>();
    for (String v : qv) {
      if (isGraphOutput(g, v)) {
        outputsRenamed.add(v);
      }
    }
    List<Node> nodes = new ArrayList<>();
    for (var in : g.inputs()) {
      if (qv.contains(in.name())) {
        nodes.addAll(pair(in.name(), in.name()));
      }
    }
    Set<String> unusedWeights = new HashSet<>();
    for (Node n : g.nodes()) {
      QuantTarget t = byNode.get(n);
      Node.Builder b = n.toBuilder();
      List<String> ins = new ArrayList<>(n.inputs());
      for (int i = 0; i < ins.size(); i++) {
        String r = renamed.get(ins.get(i));
        if (r != null) {
          ins.set(i, r);
        }
      }
      if (t != null) {
        ins.set(1, weight(t, nodes));
        unusedWeights.add(t.weight());
        float[] bias = correctedBias(t);
        if (bias != null) {
          if (ins.size() < 3) {
            ins.add("");
          }
          ins.set(2, bias(t, bias, nodes));
          if (!t.bias().isEmpty()) {
            unusedWeights.add(t.bias());
          }
        }
      }
      List<String> outs = new ArrayList<>(n.outputs());
      for (int i = 0; i < outs.size(); i++) {
        if (outputsRenamed.contains(outs.get(i))) {
          outs.set(i, floatValue(g, outs.get(i)));
        }
      }
      nodes.add(b.inputs(ins).outputs(outs).build());
      for (String o : n.outputs()) {
        if (qv.contains(o)) {
          nodes.addAll(pair(o, floatValue(g, o)));
        }
      }
    }
    Graph.Builder out = g.toBuilder().nodes(nodes);
    for (String w : unusedWeights) {
      boolean stillRead = nodes.stream().anyMatch(n -> n.inputs().contains(w))
          || g.outputs().stream().anyMatch(o -> o.name().equals(w));
      if (!stillRead) {
        out.removeInitializer(w);
      }
    }
    newInitializers.forEach(out::initializer);
    for (String v : outputsRenamed) {
      g.info(v).ifPresent(i -> out.valueInfo(i.withName(floatValue(g, v))));
    }
    return out.build();
  }

  /** Q→DQ of {@code value}, reading {@code source} (its float form). */
  private List<Node> pair(String value, String source) {
    float s = scales.get(value);
    String scale = value + "_scale";
    boolean low = unsigned.contains(value);
    String zp = low ? unsignedZeroPoint : zeroPoint;
    newInitializers.put(scale, Tensor.scalar(s));
    newInitializers.put(zp, Tensor.of(DataType.INT8, new long[0], new byte[] {low ? (byte) -128 : 0}));
    String q = value + "_quantized";
    String dq = dequantized(g, value);
    return List.of(
        Node.builder("QuantizeLinear").name(value + "_QuantizeLinear").inputs(source, scale, zp).outputs(q).build(),
        Node.builder("DequantizeLinear").name(value + "_DequantizeLinear").inputs(q, scale, zp).outputs(dq).build());
  }

  /** DQ of the int8 weight (made once per weight), added to {@code nodes} the first time. */
  private String weight(QuantTarget t, List<Node> nodes) {
    String w = t.weight();
    String dq = w + "_dequantized";
    if (!weightNodes.containsKey(w)) {
      Tensor f = g.initializer(w).orElseThrow();
      ChannelQuantization.Weights q = ChannelQuantization.weights(f, t.weightAxis());
      quantizedWeights.put(w, q);
      String qn = w + "_quantized";
      String sn = w + "_scale";
      newInitializers.put(qn, q.values());
      newInitializers.put(sn, Tensor.ofFloats(new long[] {q.scales().length}, q.scales()));
      List<String> inputs = new ArrayList<>(List.of(qn, sn));
      if (!t.node().opType().endsWith("Conv")) {
        // ONNX Runtime's QGemm fusion wants a zero point shaped like the per-channel scale
        String zn = w + "_zero_point";
        newInitializers.put(zn, Tensor.of(DataType.INT8, new long[] {q.scales().length}, new byte[q.scales().length]));
        inputs.add(zn);
      }
      Node n = Node.builder("DequantizeLinear").name(w + "_DequantizeLinear").inputs(inputs).outputs(dq)
          .attributes(Attributes.builder().set("axis", (long) t.weightAxis()).build()).build();
      weightNodes.put(w, n);
      nodes.add(n);
    }
    return dq;
  }

  /**
   * The float bias to quantize: the target's bias plus the correction for the weight rounding; null
   * when the target has no bias and gets no correction (MatMul, unknown means).
   */
  private float[] correctedBias(QuantTarget t) {
    float[] b = t.bias().isEmpty() ? null : g.initializer(t.bias()).orElseThrow().toFloatArray();
    double[] mean = means.get(t.input());
    boolean canAdd = !t.node().opType().equals("MatMul");
    if (mean == null || b == null && !canAdd) {
      return b;
    }
    Tensor w = g.initializer(t.weight()).orElseThrow();
    ChannelQuantization.Weights q = quantizedWeights.get(t.weight());
    double[] shift = BiasCorrection.shift(t, w, q, mean);
    if (shift == null) {
      return b;
    }
    float[] out = b == null ? new float[shift.length] : b.clone();
    boolean any = b != null;
    for (int c = 0; c < out.length; c++) {
      out[c] += (float) shift[c];
      any |= shift[c] != 0;
    }
    return any ? out : null;
  }

  /** DQ of the int32 bias for this target's input scale (shared by targets whose int32 bias is the same). */
  private String bias(QuantTarget t, float[] bias, List<Node> nodes) {
    String b = t.bias().isEmpty() ? t.weight() + "_bias" : t.bias();
    float xs = scales.get(t.input());
    float[] ws = quantizedWeights.get(t.weight()).scales();
    int m = ws.length;
    Tensor values = ChannelQuantization.bias(Tensor.ofFloats(new long[] {m}, bias), xs, ws);
    Tensor biasScales = Tensor.ofFloats(new long[] {m}, ChannelQuantization.biasScales(xs, ws));
    String base = b;
    for (int k = 2; newInitializers.containsKey(base + "_quantized"); k++) {
      if (newInitializers.get(base + "_quantized").equals(values) && newInitializers.get(base + "_scale").equals(biasScales)) {
        return base + "_dequantized";
      }
      base = b + "_" + k;
    }
    String qn = base + "_quantized";
    String sn = base + "_scale";
    String dq = base + "_dequantized";
    newInitializers.put(qn, values);
    newInitializers.put(sn, biasScales);
    nodes.add(Node.builder("DequantizeLinear").name(base + "_DequantizeLinear").inputs(qn, sn).outputs(dq)
        .attributes(Attributes.builder().set("axis", 0L).build()).build());
    return dq;
  }
}
