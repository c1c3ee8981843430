package dev.mobilize.quant;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Node;
import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.MobilizeException;
import dev.mobilize.service.Options;
import dev.mobilize.service.Quantizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How far the QDQ form reaches (options {@link Quantizer#INT8_OPS}, {@link Quantizer#INT8_OUTPUTS}):
 * the ops quantized in the ONNX Runtime QDQ style beside the weighted targets (a Q→DQ pair on every
 * data input and on the output), and whether every target's output gets a Q→DQ pair. A target format
 * whose int8 layers always write int8 and also pool, add or concatenate int8 blobs (TNN) asks for both.
 *
 * @param ops the op types quantized in the QDQ style (default domain)
 * @param allOutputs true: a Q→DQ pair on every target's activated output
 */
record Int8Scope(Set<String> ops, boolean allOutputs) {

  /** The form of docs/QUANTIZATION.md without extensions. */
  static final Int8Scope DEFAULT = new Int8Scope(Set.of(), false);

  /**
   * Ops whose output takes their input's scale: pooling and Relu pick or average int8 values, so their
   * int8 forms (TNN's QuantizedPooling, QuantizedReLU) do not rescale.
   */
  static final Set<String> SAME_SCALE = Set.of("MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool",
      "Relu");

  Int8Scope {
    ops = Set.copyOf(ops);
  }

  static Int8Scope of(Options o) {
    String outputs = o.get(Quantizer.INT8_OUTPUTS, "needed").trim();
    if (!outputs.equals("all") && !outputs.equals("needed")) {
      throw new MobilizeException(ErrorCode.INVALID_ARGUMENT, "option '" + Quantizer.INT8_OUTPUTS
          + "' must be 'all' or 'needed', got '" + outputs + "'");
    }
    return new Int8Scope(new LinkedHashSet<>(o.getList(Quantizer.INT8_OPS)), outputs.equals("all"));
  }

  /**
   * The nodes quantized in the QDQ style, in graph order: a listed op type in the default domain with
   * one float output and only computed float inputs (an op with a constant operand stays float), that
   * is neither a target nor the activation that follows one.
   */
  List<Node> nodes(Graph g, List<QuantTarget> targets) {
    if (ops.isEmpty()) {
      return List.of();
    }
    Set<Node> taken = new HashSet<>();
    for (QuantTarget t : targets) {
      taken.add(t.node());
      if (t.activation() != null) {
        taken.add(t.activation());
      }
    }
    return g.nodes().stream().filter(n -> n.domain().isEmpty() && ops.contains(n.opType()) && !taken.contains(n)
        && n.outputs().size() == 1 && isFloat(g, n.output(0)) && !n.inputs().isEmpty()
        && n.inputs().stream().allMatch(i -> !i.isEmpty() && g.initializer(i).isEmpty() && isFloat(g, i))).toList();
  }

  /**
   * The values that get a Q→DQ pair: target inputs, target outputs (all, or graph outputs), and the inputs and
   * output of each QDQ-style op that touches the int8 part of the graph: one of its values is a target's input or
   * activated output, or a value of another QDQ-style op that does. So a QDQ-style op among layers kept float
   * (mixed precision) stays float too, instead of rounding values that no int8 layer reads or writes.
   */
  Set<String> values(Graph g, List<QuantTarget> targets, List<Node> nodes) {
    Set<String> outputs = new HashSet<>();
    g.outputs().forEach(o -> outputs.add(o.name()));
    Set<String> v = new LinkedHashSet<>();
    Set<String> int8 = new HashSet<>();
    for (QuantTarget t : targets) {
      v.add(t.input());
      if (allOutputs || outputs.contains(t.output())) {
        v.add(t.output());
      }
      int8.add(t.input());
      int8.add(t.output());
    }
    List<Node> pending = new ArrayList<>(nodes);
    for (boolean grew = true; grew; ) {
      grew = false;
      for (Iterator<Node> it = pending.iterator(); it.hasNext(); ) {
        Node n = it.next();
        if (int8.contains(n.output(0)) || n.inputs().stream().anyMatch(int8::contains)) {
          it.remove();
          int8.addAll(n.inputs());
          int8.add(n.output(0));
          grew = true;
        }
      }
    }
    for (Node n : nodes) {
      if (!pending.contains(n)) {
        v.addAll(n.inputs());
        v.add(n.output(0));
      }
    }
    return v;
  }

  /**
   * Gives the output of each {@link #SAME_SCALE} node its input's scale and zero point (member of
   * {@code unsigned} or not), in graph order (so chains agree).
   */
  static void shareScales(List<Node> nodes, Map<String, Float> scales, Set<String> unsigned) {
    for (Node n : nodes) {
      Float s = scales.get(n.input(0));
      if (SAME_SCALE.contains(n.opType()) && s != null) {
        scales.put(n.output(0), s);
        if (unsigned.contains(n.input(0))) {
          unsigned.add(n.output(0));
        } else {
          unsigned.remove(n.output(0));
        }
      }
    }
  }

  private static boolean isFloat(Graph g, String value) {
    return g.info(value).map(v -> v.type() == DataType.FLOAT || v.type() == DataType.UNDEFINED).orElse(true);
  }
}
