package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.FusedOps;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Test fixture standing in for plugin.quant: min-max quantizes a float graph into the QDQ form of
 * docs/QUANTIZATION.md (int8 symmetric, per-tensor activation scales {@code max|x| / 127},
 * per-output-channel weight scales, int32 bias). Conv, FusedConv and Gemm with constant weights
 * are quantized, after folding BatchNormalization into Conv (as the optimizer does before
 * quantization); a Conv read only by Relu or Clip is first fused into FusedConv when {@code fuse}
 * is set, else the Q/DQ pair sits after the activation.
 */
final class QdqFixture {

  private QdqFixture() {}

  static Model quantize(Model model, Map<String, Tensor> calibration, boolean fuse) {
    Graph folded = foldBatchNorms(model.graph());
    Graph g = fuse ? fuseActivations(folded) : folded;
    List<Node> ops = g.nodes().stream().filter(n -> isQuantizable(n, g)).toList();
    // the tensors that get a Q/DQ pair: quantized inputs, and quantized outputs that are graph outputs
    Set<String> pairs = new LinkedHashSet<>();
    Set<String> outputs = new java.util.HashSet<>(g.outputs().stream().map(ValueInfo::name).toList());
    for (Node n : ops) {
      pairs.add(n.input(0));
      String y = unitOutput(n, g);
      if (outputs.contains(y)) {
        pairs.add(y);
      }
    }
    Map<String, Float> scales = ranges(model.withGraph(g), pairs, calibration);
    Graph.Builder b = g.toBuilder();
    List<Node> nodes = new ArrayList<>();
    Map<String, String> dequantized = new HashMap<>();
    for (String x : pairs) {
      if (!outputs.contains(x)) {
        dequantized.put(x, x + "_dequantized");
      }
    }
    for (ValueInfo in : g.inputs()) {
      if (pairs.contains(in.name())) {
        nodes.addAll(pair(b, in.name(), in.name(), scales.get(in.name())));
      }
    }
    for (Node n : g.nodes()) {
      Node m = n;
      boolean quantized = ops.contains(n);
      if (quantized) {
        Node.Builder nb = n.toBuilder().input(0, dequantized.get(n.input(0)));
        boolean gemm = !n.opType().contains("Conv");
        int axis = gemm && n.attributes().getInt("transB", 0) == 0 ? 1 : 0;
        Tensor w = g.initializer(n.input(1)).orElseThrow();
        float[] ws = weightScales(w, axis);
        nb.input(1, weight(b, nodes, n.input(1), w, ws, axis));
        if (n.hasInput(2)) {
          nb.input(2, bias(b, nodes, n.input(2), g.initializer(n.input(2)).orElseThrow(), ws, scales.get(n.input(0))));
        }
        m = nb.build();
      }
      // a graph output with a pair: its producer writes <y>_float, the pair ends in y
      String out = m.outputs().get(0);
      if (pairs.contains(out) && outputs.contains(out)) {
        m = m.toBuilder().outputs(out + "_float").build();
        nodes.add(m);
        nodes.addAll(pair(b, out + "_float", out, scales.get(out)));
        continue;
      }
      nodes.add(m);
      for (String o : m.outputs()) {
        if (dequantized.containsKey(o) && g.inputs().stream().noneMatch(i -> i.name().equals(o))) {
          nodes.addAll(pair(b, o, o, scales.get(o)));
        }
      }
    }
    return model.withGraph(b.nodes(nodes).valueInfos(Map.of()).build())
        .withMetadata(Map.of("mobilize.quantization", "int8"));
  }

  private static boolean isQuantizable(Node n, Graph g) {
    Set<String> ops = Set.of("Conv", FusedOps.FUSED_CONV, "Gemm", FusedOps.FUSED_GEMM);
    return ops.contains(n.opType()) && g.initializer(n.input(1)).isPresent() && g.initializer(n.input(0)).isEmpty()
        && n.attributes().getFloat("alpha", 1f) == 1f;
  }

  /** The value after the activation that reads only this op's output, or its output. */
  private static String unitOutput(Node n, Graph g) {
    List<Node> readers = g.consumers(n.output(0));
    if (readers.size() == 1 && Set.of("Relu", "Clip").contains(readers.get(0).opType())) {
      return readers.get(0).output(0);
    }
    return n.output(0);
  }

  /** Conv → BatchNormalization (single reader) as one Conv: {@code w' = w·γ/√(σ²+ε)}, {@code b' = (b-μ)·γ/√(σ²+ε) + β}. */
  static Graph foldBatchNorms(Graph g) {
    Graph.Builder b = g.toBuilder();
    List<Node> nodes = new ArrayList<>(g.nodes());
    for (Node conv : g.nodes()) {
      List<Node> readers = g.consumers(conv.output(0));
      if (!conv.opType().equals("Conv") || readers.size() != 1 || !readers.get(0).opType().equals("BatchNormalization")
          || g.initializer(conv.input(1)).isEmpty()) {
        continue;
      }
      Node bn = readers.get(0);
      float[] gamma = g.initializer(bn.input(1)).orElseThrow().toFloatArray();
      float[] beta = g.initializer(bn.input(2)).orElseThrow().toFloatArray();
      float[] mean = g.initializer(bn.input(3)).orElseThrow().toFloatArray();
      float[] var = g.initializer(bn.input(4)).orElseThrow().toFloatArray();
      float eps = bn.attributes().getFloat("epsilon", 1e-5f);
      Tensor wt = g.initializer(conv.input(1)).orElseThrow();
      float[] w = wt.toFloatArray();
      float[] bias = conv.hasInput(2) ? g.initializer(conv.input(2)).orElseThrow().toFloatArray() : new float[gamma.length];
      int per = w.length / gamma.length;
      float[] w2 = new float[w.length];
      float[] b2 = new float[gamma.length];
      for (int c = 0; c < gamma.length; c++) {
        float k = (float) (gamma[c] / Math.sqrt(var[c] + eps));
        for (int i = 0; i < per; i++) {
          w2[c * per + i] = w[c * per + i] * k;
        }
        b2[c] = (bias[c] - mean[c]) * k + beta[c];
      }
      b.initializer(conv.input(1) + "_bn", Tensor.ofFloats(wt.dims(), w2));
      b.initializer(conv.output(0) + "_bias_bn", Tensor.ofFloats(new long[] {b2.length}, b2));
      Node folded = conv.toBuilder().inputs(conv.input(0), conv.input(1) + "_bn", conv.output(0) + "_bias_bn")
          .outputs(bn.output(0)).build();
      nodes.set(nodes.indexOf(conv), folded);
      nodes.remove(bn);
    }
    return GraphEdits.removeDead(b.nodes(nodes).valueInfos(Map.of()).build());
  }

  /** Conv → Relu/Clip (constant bounds, single reader) as FusedConv. */
  static Graph fuseActivations(Graph g) {
    List<Node> nodes = new ArrayList<>(g.nodes());
    for (Node conv : g.nodes()) {
      if (!conv.opType().equals("Conv") || !conv.domain().isEmpty()) {
        continue;
      }
      List<Node> readers = g.consumers(conv.output(0));
      boolean isOutput = g.outputs().stream().anyMatch(o -> o.name().equals(conv.output(0)));
      if (readers.size() != 1 || isOutput) {
        continue;
      }
      Node act = readers.get(0);
      Attributes.Builder a = conv.attributes().toBuilder();
      if (act.opType().equals("Relu")) {
        a.set(FusedOps.ACTIVATION, "Relu");
      } else if (act.opType().equals("Clip")) {
        Optional<Tensor> lo = act.hasInput(1) ? g.initializer(act.input(1)) : Optional.empty();
        Optional<Tensor> hi = act.hasInput(2) ? g.initializer(act.input(2)) : Optional.empty();
        if (lo.isEmpty() || hi.isEmpty()) {
          continue;
        }
        a.set(FusedOps.ACTIVATION, "Clip").floats(FusedOps.ACTIVATION_PARAMS, lo.get().toFloatArray()[0],
            hi.get().toFloatArray()[0]);
      } else {
        continue;
      }
      Node fused = conv.toBuilder().domain("mobilize").opType(FusedOps.FUSED_CONV).attributes(a.build())
          .outputs(act.output(0)).build();
      nodes.set(nodes.indexOf(conv), fused);
      nodes.remove(act);
    }
    return g.toBuilder().nodes(nodes).valueInfos(Map.of()).build();
  }

  /** max|v| / 127 of each value over the calibration input (the model run with them as outputs). */
  private static Map<String, Float> ranges(Model m, Set<String> values, Map<String, Tensor> calibration) {
    Graph g = m.graph();
    Graph.Builder b = g.toBuilder();
    List<ValueInfo> outs = new ArrayList<>(g.outputs());
    for (String v : values) {
      if (outs.stream().noneMatch(o -> o.name().equals(v)) && g.inputs().stream().noneMatch(i -> i.name().equals(v))) {
        outs.add(new ValueInfo(v, DataType.FLOAT, Shape.UNKNOWN));
      }
    }
    Map<String, Tensor> r = Ncnn.run(m.withGraph(b.outputs(outs).build()), calibration);
    Map<String, Float> scales = new HashMap<>();
    for (String v : values) {
      Tensor t = calibration.containsKey(v) ? calibration.get(v) : r.get(v);
      float max = 0;
      for (float f : t.toFloatArray()) {
        max = Math.max(max, Math.abs(f));
      }
      scales.put(v, max == 0 ? 1f : max / 127f);
    }
    return scales;
  }

  /** Q(x) → x_quantized, DQ → {@code out}. */
  private static List<Node> pair(Graph.Builder b, String x, String out, float scale) {
    String base = out;
    b.initializer(base + "_scale", Tensor.scalar(scale));
    b.initializer(base + "_zero_point", Tensor.of(DataType.INT8, new long[0], new byte[] {0}));
    String dq = out.equals(x) ? x + "_dequantized" : out;
    return List.of(
        Node.builder("QuantizeLinear").name(base + "_Q").inputs(x, base + "_scale", base + "_zero_point")
            .outputs(base + "_quantized").build(),
        Node.builder("DequantizeLinear").name(base + "_DQ").inputs(base + "_quantized", base + "_scale",
            base + "_zero_point").outputs(dq).build());
  }

  /** {@code W_scale[c] = max|W[c]| / 127} along {@code axis} (a channel of zeros gets 1). */
  private static float[] weightScales(Tensor w, int axis) {
    long[] d = w.dims();
    float[] v = w.toFloatArray();
    int channels = (int) d[axis];
    long inner = 1;
    for (int i = axis + 1; i < d.length; i++) {
      inner *= d[i];
    }
    float[] s = new float[channels];
    for (int i = 0; i < v.length; i++) {
      int c = (int) ((i / inner) % channels);
      s[c] = Math.max(s[c], Math.abs(v[i]));
    }
    for (int c = 0; c < channels; c++) {
      s[c] = s[c] == 0 ? 1f : s[c] / 127f;
    }
    return s;
  }

  private static String weight(Graph.Builder b, List<Node> nodes, String w, Tensor t, float[] s, int axis) {
    long[] d = t.dims();
    float[] v = t.toFloatArray();
    long inner = 1;
    for (int i = axis + 1; i < d.length; i++) {
      inner *= d[i];
    }
    byte[] q = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      int c = (int) ((i / inner) % d[axis]);
      q[i] = (byte) Math.max(-127, Math.min(127, Math.rint(v[i] / s[c])));
    }
    b.removeInitializer(w);
    b.initializer(w + "_quantized", Tensor.of(DataType.INT8, d, q));
    b.initializer(w + "_scale", Tensor.ofFloats(new long[] {s.length}, s));
    b.initializer(w + "_zero_point", Tensor.of(DataType.INT8, new long[] {s.length}, new byte[s.length]));
    nodes.add(Node.builder("DequantizeLinear").name(w + "_DQ").inputs(w + "_quantized", w + "_scale", w + "_zero_point")
        .outputs(w + "_dequantized").attributes(Attributes.builder().set("axis", (long) axis).build()).build());
    return w + "_dequantized";
  }

  private static String bias(Graph.Builder b, List<Node> nodes, String name, Tensor t, float[] ws, float xs) {
    float[] v = t.toFloatArray();
    int[] q = new int[v.length];
    float[] s = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      s[i] = xs * ws[v.length == ws.length ? i : 0];
      q[i] = (int) Math.rint(v[i] / s[i]);
    }
    b.removeInitializer(name);
    b.initializer(name + "_quantized", Tensor.ofInts(new long[] {v.length}, q));
    b.initializer(name + "_scale", Tensor.ofFloats(new long[] {v.length}, s));
    b.initializer(name + "_zero_point", Tensor.ofInts(new long[] {v.length}, new int[v.length]));
    nodes.add(Node.builder("DequantizeLinear").name(name + "_DQ").inputs(name + "_quantized", name + "_scale",
        name + "_zero_point").outputs(name + "_dequantized").attributes(Attributes.builder().set("axis", 0L).build())
        .build());
    return name + "_dequantized";
  }
}
