package dev.mobilize.ncnn;

import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import dev.mobilize.qdq.QdqConstant;
import dev.mobilize.qdq.QdqMatcher;
import dev.mobilize.qdq.QuantizedOp;
import dev.mobilize.service.GraphPass;
import dev.mobilize.service.PassContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lowers a QDQ graph (docs/QUANTIZATION.md) to what the ncnn writers take: every activation pair
 * {@code DequantizeLinear(QuantizeLinear(x, s, 0), s, 0)} is removed (its readers read {@code x}),
 * every DequantizeLinear of a constant becomes the float constant {@code (q - zp) · scale}, and a
 * quantized op ({@code Conv}, {@code FusedConv}, {@code Gemm}, {@code FusedGemm}, {@code MatMul})
 * that {@link QdqMatcher} matches, with an input pair of zero point 0, gets the
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
    QdqMatcher qdq = QdqMatcher.of(g);
    Map<String, String> pairInput = new HashMap<>();  // DQ output of a symmetric pair -> the float value before Q
    qdq.pairs().forEach((v, p) -> {
      if (p.symmetric()) {
        pairInput.put(v, p.input());
      }
    });
    List<Node> nodes = new ArrayList<>();
    Graph.Builder b = g.toBuilder();
    int rewrites = 0;
    // dequantized constants become float constants under the DQ output's name
    for (Map.Entry<String, QdqConstant> e : qdq.constants().entrySet()) {
      b.initializer(e.getKey(), e.getValue().dequantized());
      rewrites++;
    }
    for (Node n : g.nodes()) {
      if (n.domain().isEmpty() && n.opType().equals("DequantizeLinear")
          && (qdq.constants().containsKey(n.output(0)) || pairInput.containsKey(n.output(0)))) {
        continue;
      }
      Node.Builder nb = n.toBuilder();
      for (int i = 0; i < n.inputs().size(); i++) {
        String v = pairInput.get(n.input(i));
        if (v != null) {
          nb.input(i, v);
        }
      }
      if (quantized(qdq, n)) {
        QdqMatcher.Match m = qdq.match(n);
        String why = !m.matched() ? m.reason() : !m.op().input().symmetric() ? "its input has zero point "
            + m.op().input().zeroPoint() + " (ncnn's int8 layers take symmetric int8, zero point 0)" : null;
        if (why == null) {
          QuantizedOp q = m.op();
          nb.attributes(n.attributes().toBuilder().set(INPUT_SCALE, q.input().scale()).set(WEIGHT, q.weight().values())
              .set(WEIGHT_SCALE, Tensor.ofFloats(new long[] {q.channels()}, q.weightScale())).build());
        } else {
          LOG.warn("node '{}' ({}) is quantized but not in the QDQ form ncnn takes in int8 ({}); it is written in float",
              n.name(), n.opType(), why);
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

  /**
   * Whether {@code n} is a quantized op: a convolution or matrix product whose weight is a dequantized int8
   * constant. One kept float (plugin.quant's {@code --keep-float}, mixed precision) reads float weights and is
   * neither lowered nor worth a warning.
   */
  static boolean quantized(QdqMatcher qdq, Node n) {
    return QdqMatcher.isQuantizedOp(n) && n.inputs().size() >= 2 && qdq.constants().containsKey(n.input(1));
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
}
