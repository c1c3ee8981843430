package dev.mobilize.ncnn;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.FusedOps;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import dev.mobilize.service.GraphPass;
import dev.mobilize.service.PassContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lowers a QDQ graph (docs/QUANTIZATION.md) to what the ncnn writers take: every activation pair
 * {@code DequantizeLinear(QuantizeLinear(x, s, 0), s, 0)} is removed (its readers read {@code x}),
 * every DequantizeLinear of a constant becomes the float constant {@code (q - zp) · scale}, and a
 * quantized op ({@code Conv}, {@code FusedConv}, {@code Gemm}, {@code FusedGemm}, {@code MatMul})
 * whose input came through a pair and whose weight is a dequantized int8 constant gets the
 * attributes {@value #INPUT_SCALE} (the input's scale), {@value #WEIGHT} (the int8 weight) and
 * {@value #WEIGHT_SCALE} (its per-output-channel scales, f32). The writers store such ops in int8
 * as ncnn2int8 does. Runs first on the way to ncnn (constant folding would dequantize the weights).
 */
@Component(service = GraphPass.class, property = "mobilize.pass=LowerQdqToInt8")
public final class LowerQdqToInt8 implements GraphPass {

  static final String INPUT_SCALE = "ncnn_int8_input_scale";
  static final String WEIGHT = "ncnn_int8_weight";
  static final String WEIGHT_SCALE = "ncnn_int8_weight_scale";

  private static final Logger LOG = LoggerFactory.getLogger(LowerQdqToInt8.class);
  private static final Set<String> QUANTIZED = Set.of("Conv", FusedOps.FUSED_CONV, "Gemm", FusedOps.FUSED_GEMM, "MatMul");

  @Override
  public String name() {
    return "LowerQdqToInt8";
  }

  @Override
  public String description() {
    return "turn QuantizeLinear/DequantizeLinear pairs and dequantized int8 weights into ncnn int8 layer data (for ncnn)";
  }

  @Override
  public PassResult apply(Model model, PassContext context) {
    Graph g = model.graph();
    if (g.nodes().stream().noneMatch(n -> n.opType().equals("DequantizeLinear") && n.domain().isEmpty())) {
      return new PassResult(model, 0);
    }
    Map<String, Float> pairScale = new HashMap<>();   // DQ output of an activation pair -> scale
    Map<String, String> pairInput = new HashMap<>();  // DQ output -> the float value before Q
    Map<String, Tensor[]> weights = new HashMap<>();  // DQ output of a constant -> {q, scale, zp}
    List<Node> nodes = new ArrayList<>();
    Graph.Builder b = g.toBuilder();
    int rewrites = 0;
    for (Node n : g.nodes()) {
      if (!n.domain().isEmpty() || !n.opType().equals("DequantizeLinear")) {
        continue;
      }
      Optional<Tensor> q = g.initializer(n.input(0));
      Optional<Tensor> s = g.initializer(n.input(1));
      Optional<Tensor> zp = n.hasInput(2) ? g.initializer(n.input(2)) : Optional.empty();
      if (s.isEmpty() || n.hasInput(2) && zp.isEmpty()) {
        continue;
      }
      if (q.isPresent()) {
        weights.put(n.output(0), new Tensor[] {q.get(), s.get(), zp.orElse(null)});
        continue;
      }
      Optional<Node> qn = g.producer(n.input(0)).filter(p -> p.domain().isEmpty() && p.opType().equals("QuantizeLinear"));
      if (qn.isPresent() && s.get().numElements() == 1 && sameScale(g, qn.get(), s.get()) && zero(zp) && zero(zpOf(g, qn.get()))) {
        pairScale.put(n.output(0), s.get().toFloatArray()[0]);
        pairInput.put(n.output(0), qn.get().input(0));
      }
    }
    // dequantized constants become float constants under the DQ output's name
    for (Map.Entry<String, Tensor[]> e : weights.entrySet()) {
      Node dq = g.producer(e.getKey()).orElseThrow();
      b.initializer(e.getKey(), dequantize(e.getValue(), dq.attributes().getInt("axis", 1)));
      rewrites++;
    }
    for (Node n : g.nodes()) {
      if (n.domain().isEmpty() && n.opType().equals("DequantizeLinear")
          && (weights.containsKey(n.output(0)) || pairInput.containsKey(n.output(0)))) {
        continue;
      }
      Node.Builder nb = n.toBuilder();
      for (int i = 0; i < n.inputs().size(); i++) {
        String v = pairInput.get(n.input(i));
        if (v != null) {
          nb.input(i, v);
        }
      }
      if (QUANTIZED.contains(n.opType()) && n.inputs().size() >= 2) {
        Float xs = pairScale.get(n.input(0));
        Tensor[] w = weights.get(n.input(1));
        if (xs != null && w != null && w[0].type() == DataType.INT8 && zero(Optional.ofNullable(w[2]))) {
          nb.attributes(n.attributes().toBuilder().set(INPUT_SCALE, xs).set(WEIGHT, w[0]).set(WEIGHT_SCALE,
              Tensor.ofFloats(new long[] {w[1].numElements()}, w[1].toFloatArray())).build());
        } else {
          LOG.warn("node '{}' ({}) is quantized but its input or weight is not in the QDQ form ncnn takes in int8; "
              + "it is written in float", n.name(), n.opType());
        }
      }
      nodes.add(nb.build());
    }
    rewrites += pairInput.size();
    // graph outputs that were pair outputs: the value before the pair takes the output's name
    Graph lowered = b.nodes(nodes).build();
    for (Map.Entry<String, String> e : pairInput.entrySet()) {
      if (lowered.outputs().stream().anyMatch(o -> o.name().equals(e.getKey()))) {
        lowered = renameOutput(lowered, e.getValue(), e.getKey());
      }
    }
    return new PassResult(model.withGraph(GraphEdits.removeDead(lowered)), rewrites);
  }

  /** The producer of {@code from} writes {@code to} (a graph output) and every reader of {@code from} reads it. */
  private static Graph renameOutput(Graph g, String from, String to) {
    List<Node> nodes = new ArrayList<>();
    for (Node n : g.nodes()) {
      if (n.outputs().contains(from)) {
        List<String> outs = new ArrayList<>(n.outputs());
        outs.set(outs.indexOf(from), to);
        n = n.toBuilder().outputs(outs).build();
      }
      nodes.add(n);
    }
    return g.toBuilder().nodes(GraphEdits.renameUses(nodes, from, to)).removeValueInfo(from).build();
  }

  private static Optional<Tensor> zpOf(Graph g, Node q) {
    return q.hasInput(2) ? g.initializer(q.input(2)) : Optional.empty();
  }

  private static boolean sameScale(Graph g, Node q, Tensor s) {
    return g.initializer(q.input(1)).map(t -> t.numElements() == 1 && t.toFloatArray()[0] == s.toFloatArray()[0])
        .orElse(false);
  }

  private static boolean zero(Optional<Tensor> zp) {
    if (zp.isEmpty()) {
      return true;
    }
    for (float v : zp.get().toFloatArray()) {
      if (v != 0) {
        return false;
      }
    }
    return true;
  }

  /** {@code (q - zp) · scale}, per tensor or along {@code axis}. */
  static Tensor dequantize(Tensor[] qsz, long axis) {
    Tensor q = qsz[0];
    float[] v = q.toFloatArray();
    float[] s = qsz[1].toFloatArray();
    float[] z = qsz[2] == null ? new float[s.length] : qsz[2].toFloatArray();
    long[] d = q.dims();
    int ax = (int) (axis < 0 ? axis + d.length : axis);
    long inner = 1;
    for (int i = ax + 1; i < d.length; i++) {
      inner *= d[i];
    }
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      int c = s.length == 1 ? 0 : (int) ((i / inner) % d[ax]);
      out[i] = (v[i] - z[c]) * s[c];
    }
    return Tensor.ofFloats(d, out);
  }
}
